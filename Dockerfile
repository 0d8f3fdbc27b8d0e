# syntax=docker/dockerfile:1
# Kubernaut Dispatcher. Node 24 runs the TypeScript sources directly (type stripping), so
# the image holds the sources and production dependencies only: no build step, no compiler.

FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Dev dependencies (the Node 24 npm package, TypeScript, ESLint) stay out of the image.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:24-slim
LABEL org.opencontainers.image.title="kubernaut-dispatcher" \
      org.opencontainers.image.description="Alertmanager webhooks to signed, digest-pinned remediation workflows on Kubernetes Jobs or Tekton" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://github.com/kubernaut/dispatcher"
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY src ./src
COPY handlers ./handlers
COPY manifests/crds ./manifests/crds
COPY manifests/tekton ./manifests/tekton
# The built-in unprivileged user of the node image; the root filesystem can be read-only
# (the process writes nothing outside /tmp).
USER 1000:1000
EXPOSE 8080
# tini forwards SIGTERM to Node and reaps children, so Kubernetes' graceful shutdown works.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "src/main.ts"]
