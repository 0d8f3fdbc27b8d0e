// startApiServer: the embedded Kubernetes API server over plain node:http. Bearer-token
// authentication, discovery, and resource URLs routed to the generic handlers. The hot
// path (authenticated create/get) stays synchronous apart from reading the body.

import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { CrdController } from './crd-controller.ts';
import { DEV_CERTIFICATE, DEV_PRIVATE_KEY } from './dev-certificate.ts';
import {
  renderApiGroup,
  renderCoreVersions,
  renderGroupList,
  renderResourceList,
  SERVER_VERSION,
} from './discovery.ts';
import { DisruptionController } from './disruption-controller.ts';
import { RequestMetrics } from './request-metrics.ts';
import { FaultInjector, type FaultConfig } from './fault-injector.ts';
import { GarbageCollector } from './garbage-collector.ts';
import { readBody, sendJson, sendStatus, sendText } from './http-io.ts';
import { ObjectStore } from './object-store.ts';
import { renderOpenApiV3Group, renderOpenApiV3Index } from './openapi.ts';
import { PodLogs } from './pod-logs.ts';
import { decodeProtobufObject, isProtobufBody } from './protobuf-reader.ts';
import { handleResource, type Route, type RouteContext } from './resource-routes.ts';
import { ResourceService } from './resource-service.ts';
import {
  newInternalError,
  newUnauthorized,
  newUnsupportedMediaType,
  StatusError,
} from './status-error.ts';
import { TypeRegistry } from './type-registry.ts';

export interface ApiServerOptions {
  /** 0 or omitted: an ephemeral port. */
  port?: number;
  host?: string;
  /**
   * HTTPS with the built-in self-signed certificate (default), or plain HTTP. kubectl only
   * sends bearer tokens over TLS; client-node sends them either way.
   */
  tls?: boolean;
  /** Accepted bearer tokens; at least one. */
  tokens: string[];
  /** CustomResourceDefinition objects to serve from the start. */
  crds?: object[];
  faults?: Partial<FaultConfig>;
  /** Watch events kept per resource for watches resuming from a resourceVersion. */
  watchHistorySize?: number;
  /**
   * Pods bound to a node and not finished are deleted gracefully, as on a real server: they
   * keep a future deletionTimestamp until deleted again with gracePeriodSeconds=0 (the
   * kubelet's job). Off by default: without a kubelet, deleted pods would never go.
   */
  gracefulPodDeletion?: boolean;
  /** How often watches that allow bookmarks get one. */
  bookmarkIntervalMs?: number;
}

export interface ApiServer {
  url: string;
  port: number;
  host: string;
  /** PEM of the certificate to trust, when serving HTTPS. */
  caData: string | undefined;
  /** The first accepted token, for building client configurations. */
  token: string;
  /** The state; subscribe() / subscribeAll() for cheap in-process change feeds. */
  store: ObjectStore;
  registry: TypeRegistry;
  faults: FaultInjector;
  /** Requests served by verb, resource and code (also at GET /metrics). */
  requests: RequestMetrics;
  /** Ends every open watch stream, as a server restart or a proxy timeout would. */
  closeWatches(): void;
  /** Forget the watch history: watches from any older resourceVersion get 410 Gone. */
  expireWatchHistory(): void;
  /** Sets the text pods/log returns for one container (a simulated kubelet writes it). */
  setPodLog(namespace: string, pod: string, container: string, text: string): void;
  appendPodLog(namespace: string, pod: string, container: string, text: string): void;
  close(): Promise<void>;
}

/**
 * The body as JSON text. kubectl's generators (`create ns|configmap|secret|job|deployment`,
 * `run`) POST protobuf, which is decoded for those kinds; anything else non-JSON is 415.
 */
function decodeRequestBody(req: IncomingMessage, raw: Buffer): string {
  const contentType = req.headers['content-type'] ?? '';
  if (contentType.includes('protobuf') && req.method === 'POST' && isProtobufBody(raw)) {
    req.headers['content-type'] = 'application/json';
    return JSON.stringify(decodeProtobufObject(raw));
  }
  if (contentType.includes('protobuf') || contentType.includes('cbor')) {
    throw newUnsupportedMediaType(contentType, ['application/json', 'application/yaml']);
  }
  return raw.toString();
}

const PUBLIC_PATHS = new Set(['/healthz', '/livez', '/readyz', '/version']);

function split(url: string): { path: string; query: URLSearchParams } {
  const q = url.indexOf('?');
  return q < 0
    ? { path: url, query: new URLSearchParams() }
    : { path: url.slice(0, q), query: new URLSearchParams(url.slice(q + 1)) };
}

function notFound(): StatusError {
  return new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
}

/** A view resource (events.k8s.io Events) is served from its storage resource's objects. */
function resolveView(registry: TypeRegistry, route: Route): Route {
  const storage = route.type.conversion?.storage;
  if (storage === undefined) return route;
  const storageType = registry.findByPath(storage.group, storage.version, storage.resource);
  return storageType === undefined ? route : { ...route, type: storageType, view: route.type };
}

/** Parses `/api/v1/...` and `/apis/<g>/<v>/...` resource URLs; undefined for others. */
function parseResourcePath(
  registry: TypeRegistry,
  segments: string[],
  query: URLSearchParams,
): Route | undefined {
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api' && segments.length > 2) {
    group = '';
    version = segments[1] ?? '';
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments.length > 3) {
    group = segments[1] ?? '';
    version = segments[2] ?? '';
    rest = segments.slice(3);
  } else return undefined;
  let watch = query.get('watch') === 'true' || query.get('watch') === '1';
  if (rest[0] === 'watch') {
    watch = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  const namespaceSub = rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize');
  if (rest[0] === 'namespaces' && rest.length >= 3 && !namespaceSub) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  if (rest.length > 3) throw notFound();
  const type = registry.findByPath(group, version, rest[0] ?? '');
  if (type === undefined) throw notFound();
  if (!type.namespaced && namespace !== undefined) throw notFound();
  return resolveView(registry, { type, namespace, name: rest[1], subresource: rest[2], watch });
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const host = options.host ?? '127.0.0.1';
  const tokens = new Set(options.tokens.map((t) => `Bearer ${t}`));
  const store = new ObjectStore(options.watchHistorySize);
  const registry = new TypeRegistry();
  const service = new ResourceService(store, {
    gracefulPodDeletion: options.gracefulPodDeletion ?? false,
  });
  const faults = new FaultInjector(options.faults);
  const gc = new GarbageCollector(store, registry, service);
  const crds = new CrdController(store, registry, service);
  const disruption = new DisruptionController(store, registry, service);
  const requests = new RequestMetrics();
  const podLogs = new PodLogs();
  const watches = new Set<() => void>();
  const ctx: RouteContext = {
    store,
    service,
    disruption,
    requests,
    faults,
    podLogs,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 10_000,
    trackWatch: (close) => {
      watches.add(close);
      return () => watches.delete(close);
    },
  };
  const writeOpts = { dryRun: false, fieldValidation: 'Ignore' as const };
  const nsType = registry.findByPath('', 'v1', 'namespaces');
  const crdType = registry.findByPath('apiextensions.k8s.io', 'v1', 'customresourcedefinitions');
  if (nsType === undefined || crdType === undefined) throw new Error('built-in types missing');
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    service.create(
      nsType,
      '',
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
      writeOpts,
    );
  }
  for (const crd of options.crds ?? [])
    service.create(crdType, '', structuredClone(crd), writeOpts);
  let address = '';

  function serveDiscovery(path: string, segments: string[], res: ServerResponse): boolean {
    let doc: Record<string, unknown> | undefined;
    if (path === '/version') doc = SERVER_VERSION;
    else if (path === '/api') doc = renderCoreVersions(address);
    else if (path === '/apis') doc = renderGroupList(registry);
    else if (path === '/api/v1') doc = renderResourceList(registry, '', 'v1');
    else if (segments[0] === 'apis' && segments.length === 2)
      doc = renderApiGroup(registry, segments[1] ?? '') ?? {};
    else if (segments[0] === 'apis' && segments.length === 3) {
      const [group, version] = [segments[1] ?? '', segments[2] ?? ''];
      doc = registry.hasGroupVersion(group, version)
        ? renderResourceList(registry, group, version)
        : {};
    } else if (path === '/openapi/v3') doc = renderOpenApiV3Index(registry);
    else if (segments[0] === 'openapi' && segments[1] === 'v3')
      doc = renderOpenApiV3Group(registry, segments.slice(2).join('/'));
    if (doc === undefined) return false;
    if (Object.keys(doc).length === 0) throw notFound();
    sendJson(res, 200, JSON.stringify(doc));
    return true;
  }

  function dispatch(req: IncomingMessage, res: ServerResponse, body: string): void {
    const { path, query } = split(req.url ?? '/');
    if (path === '/healthz' || path === '/livez' || path === '/readyz') {
      sendText(res, 200, 'ok');
      return;
    }
    if (path === '/metrics') {
      sendText(res, 200, requests.render());
      return;
    }
    const segments = path.split('/').filter((s) => s !== '');
    const route = parseResourcePath(registry, segments, query);
    if (route !== undefined) {
      handleResource(ctx, { req, res, route, query, body });
      return;
    }
    if (!serveDiscovery(path, segments, res)) throw notFound();
  }

  function fail(res: ServerResponse, err: unknown): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendStatus(
      res,
      err instanceof StatusError
        ? err
        : newInternalError(err instanceof Error ? err.message : String(err)),
    );
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = split(req.url ?? '/').path;
    if (!tokens.has(req.headers.authorization ?? '') && !PUBLIC_PATHS.has(path)) {
      req.resume();
      sendStatus(res, newUnauthorized());
      return;
    }
    const method = req.method ?? 'GET';
    const raw = method === 'GET' || method === 'HEAD' ? undefined : await readBody(req);
    const body = raw === undefined ? '' : decodeRequestBody(req, raw);
    if (faults.needsDelay()) await faults.delay();
    dispatch(req, res, body);
  }

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((err: unknown) => {
      fail(res, err);
    });
  };
  const tls = options.tls ?? true;
  const server = tls
    ? createHttpsServer(
        { cert: DEV_CERTIFICATE, key: DEV_PRIVATE_KEY, keepAliveTimeout: 65_000 },
        listener,
      )
    : createHttpServer({ keepAliveTimeout: 65_000 }, listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  address = `${host}:${port}`;
  return {
    url: `${tls ? 'https' : 'http'}://${host}:${port}`,
    port,
    host,
    caData: tls ? DEV_CERTIFICATE : undefined,
    token: options.tokens[0] ?? '',
    store,
    registry,
    faults,
    requests,
    closeWatches: () => {
      for (const close of [...watches]) close();
    },
    expireWatchHistory: () => {
      store.compactHistory();
    },
    setPodLog: (ns, pod, container, text) => {
      podLogs.set(PodLogs.keyOf(ns, pod, container), text);
    },
    appendPodLog: (ns, pod, container, text) => {
      podLogs.append(PodLogs.keyOf(ns, pod, container), text);
    },
    close: async () => {
      faults.resume();
      for (const close of [...watches]) close();
      gc.stop();
      crds.stop();
      disruption.stop();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
    },
  };
}
