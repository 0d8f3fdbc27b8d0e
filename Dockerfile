# syntax=docker/dockerfile:1
# Kubernaut Dispatcher, and (target `action`) one action image of the catalog.
#
#   docker buildx build --platform linux/amd64,linux/arm64 -t REGISTRY/kubernaut/dispatcher:0.1.0 --push .
#   docker buildx build --target action --build-arg ACTION=kubernetes/scale_deployment \
#     -t REGISTRY/kubernaut/actions/kubernetes/scale_deployment:1.0.0 --push .
#
# Node 24 runs the TypeScript sources directly (type stripping), so the images hold the
# sources and the production dependencies only: no build step, no compiler. Both run as an
# unprivileged user, write nothing outside /tmp (the root filesystem can be read-only) and
# have no HEALTHCHECK: Kubernetes probes /healthz and /readyz instead.

ARG NODE_IMAGE=node:24-slim

# Production dependencies only: `npm ci` installs everything from the lockfile, then the dev
# dependencies (the Node 24 npm package, TypeScript, ESLint, test tools) are pruned.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

# What both images share: tini (so SIGTERM reaches Node and children are reaped), the
# dependencies and the sources.
FROM ${NODE_IMAGE} AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY src ./src

FROM runtime AS action
ARG ACTION
# The git actions shell out to git (never through a shell: execFile with argument arrays).
RUN test -n "$ACTION" || { echo 'set --build-arg ACTION=<group>/<name>' >&2; exit 1; } \
 && test -f "src/actions/catalog/$ACTION/action-contract.yaml" \
 && case "$ACTION" in \
      git/*) apt-get update && apt-get install -y --no-install-recommends git ca-certificates \
             && rm -rf /var/lib/apt/lists/* ;; \
    esac \
 && cp "src/actions/catalog/$ACTION/action-contract.yaml" /action-contract.yaml \
 && printf '#!/bin/sh\nexec node /app/src/actions/run-action.ts %s "$@"\n' "$ACTION" > /action-entrypoint \
 && chmod 0555 /action-entrypoint \
 && chmod 0444 /action-contract.yaml
LABEL org.opencontainers.image.title="kubernaut-action" \
      org.opencontainers.image.description="A Kubernaut Dispatcher action: JSON inputs (ACTION_INPUTS or stdin), JSON outputs" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://github.com/kubernaut/dispatcher" \
      ai.kubernaut.action-type="${ACTION}"
# The UID the Jobs backend runs actions as (distroless "nonroot"); any non-zero UID works.
USER 65532:65532
ENTRYPOINT ["/usr/bin/tini", "--", "/action-entrypoint"]

FROM runtime AS dispatcher
LABEL org.opencontainers.image.title="kubernaut-dispatcher" \
      org.opencontainers.image.description="Alertmanager webhooks to signed, digest-pinned remediation workflows on Kubernetes Jobs or Tekton" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://github.com/kubernaut/dispatcher" \
      org.opencontainers.image.vendor="Kubernaut"
COPY handlers ./handlers
# Read at run time: the generic Tekton Task the dispatcher creates where it is missing.
COPY manifests/tekton ./manifests/tekton
# The built-in unprivileged user of the node image (matches the Deployment's runAsUser).
USER 1000:1000
EXPOSE 8080
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "src/main.ts"]
