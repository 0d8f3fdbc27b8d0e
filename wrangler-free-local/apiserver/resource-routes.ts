// The REST verbs of one resource URL mapped onto the ResourceService: query parameters,
// subresources (status, scale, pods/log, pods/eviction, pods/binding), list and Table
// rendering, watch. Every failure is a StatusError, answered by the caller.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DisruptionController } from './disruption-controller.ts';
import type { FaultInjector } from './fault-injector.ts';
import type { RequestMetrics } from './request-metrics.ts';
import { parseBody, sendJson, wantsTable } from './http-io.ts';
import { buildMatcher, paginate } from './list-query.ts';
import type { ObjectStore, StoredObject } from './object-store.ts';
import { PATCH_TYPES, type ResourceService } from './resource-service.ts';
import { formatApiVersion, type ResourceType } from './resource-type.ts';
import { handleScale } from './scale-subresource.ts';
import type { PodLogs } from './pod-logs.ts';
import { handlePodSubresource } from './pod-subresources.ts';
import { newInvalid, newMethodNotAllowed, newStatusForCode, StatusError } from './status-error.ts';
import { renderTable } from './table.ts';
import { serveWatch } from './watch-stream.ts';
import {
  readDeleteOptions,
  readIncludeObject,
  readVerb,
  readWriteOptions,
} from './request-options.ts';

export interface Route {
  type: ResourceType;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  watch: boolean;
  /** Set when the URL's resource is a view of `type`'s storage (events.k8s.io Events). */
  view?: ResourceType;
}

export interface RouteContext {
  store: ObjectStore;
  service: ResourceService;
  disruption: DisruptionController;
  faults: FaultInjector;
  podLogs: PodLogs;
  requests: RequestMetrics;
  bookmarkIntervalMs: number;
  trackWatch: (close: () => void) => () => void;
}

export interface Call {
  req: IncomingMessage;
  res: ServerResponse;
  route: Route;
  query: URLSearchParams;
  body: string;
}

/** The object as the URL's resource shows it (its version, or its view's form). */
function presentIn(route: Route, obj: StoredObject): StoredObject {
  const conversion = route.view?.conversion;
  return conversion === undefined ? present(route.type, obj) : conversion.fromStorage(obj);
}

/** Field selectors of a view, in storage terms. */
function translateSelector(route: Route, selector: string): string {
  const conversion = route.view?.conversion;
  if (conversion === undefined || selector === '') return selector;
  return selector
    .split(',')
    .map((part) =>
      part.replace(/^\s*([^=!\s]+)/, (field) => conversion.translateField(field.trim())),
    )
    .join(',');
}

/** A create or update body of a view, validated in its own form, in storage form. */
function readBodyFor(route: Route, text: string, contentType: string): unknown {
  const body = parseBody(text, contentType);
  const view = route.view;
  if (view?.conversion === undefined || typeof body !== 'object' || body === null) return body;
  const obj = body as StoredObject;
  const causes = view.conversion.validate(obj, route.namespace ?? '');
  if (causes.length > 0) throw newInvalid(view.kind, view.group, obj.metadata.name, causes);
  return view.conversion.toStorage(obj);
}

function present(t: ResourceType, obj: StoredObject): StoredObject {
  const apiVersion = formatApiVersion(t);
  return obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion };
}

export function handleResource(ctx: RouteContext, call: Call): void {
  const { route, req } = call;
  const method = req.method ?? 'GET';
  const verb = readVerb(method, route);
  call.res.once('finish', () => {
    ctx.requests.count(verb, route.type.resource, call.res.statusCode);
  });
  const code = ctx.faults.pickError(verb, route.type.resource);
  if (code !== undefined) throw newStatusForCode(code, route.type, route.name ?? '');
  if (route.subresource !== undefined) {
    handleSubresource(ctx, call, method);
    return;
  }
  switch (verb) {
    case 'list':
    case 'watch':
      handleList(ctx, call);
      return;
    case 'get':
      sendObject(call, 200, ctx.service.get(route.type, route.namespace ?? '', route.name ?? ''));
      return;
    case 'create':
    case 'update':
    case 'delete':
      handleWrite(ctx, call, verb);
      return;
    case 'patch':
      handlePatch(ctx, call, undefined);
      return;
    case 'deletecollection':
      handleDeleteCollection(ctx, call);
      return;
    default:
      throw newMethodNotAllowed(`the server does not allow this method on the requested resource`);
  }
}

function handleWrite(ctx: RouteContext, call: Call, verb: string): void {
  const { route, req } = call;
  switch (verb) {
    case 'create': {
      if (route.name !== undefined)
        throw newMethodNotAllowed(
          `the server does not allow this method on the requested resource`,
        );
      const result = ctx.service.create(
        route.type,
        route.namespace ?? '',
        readBodyFor(route, call.body, req.headers['content-type'] ?? ''),
        readWriteOptions(call.query),
      );
      sendObject(call, 201, result.object, result.warnings);
      return;
    }
    case 'update': {
      const result = ctx.service.update(
        route.type,
        route.namespace ?? '',
        route.name ?? '',
        readBodyFor(route, call.body, ''),
        readWriteOptions(call.query),
      );
      sendObject(call, 200, result.object, result.warnings);
      return;
    }
    case 'delete': {
      const { object, finished } = ctx.service.delete(
        route.type,
        route.namespace ?? '',
        route.name ?? '',
        readDeleteOptions(call.query, call.body),
      );
      if (finished && !RETURNS_DELETED_OBJECT.has(route.type.kind)) {
        sendJson(call.res, 200, renderDeletedStatus(route.view ?? route.type, object));
      } else sendObject(call, finished ? 200 : 202, object);
      return;
    }
  }
}

/** Kinds whose REST storage answers a finished delete with the object (ReturnDeletedObject). */
const RETURNS_DELETED_OBJECT = new Set(['Pod', 'Namespace', 'CustomResourceDefinition']);

/** What most resources answer to a finished delete: a Success Status naming the object. */
function renderDeletedStatus(t: ResourceType, obj: StoredObject): string {
  const details: Record<string, string> = { name: obj.metadata.name };
  if (t.group !== '') details['group'] = t.group;
  details['kind'] = t.resource;
  details['uid'] = obj.metadata.uid;
  return JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details,
  });
}

function sendObject(call: Call, code: number, obj: StoredObject, warnings: string[] = []): void {
  const t = call.route.type;
  if (wantsTable(call.req.headers.accept)) {
    const table = renderTable(
      t,
      [obj],
      { resourceVersion: obj.metadata.resourceVersion },
      readIncludeObject(call.query),
      Date.now(),
    );
    sendJson(call.res, code, JSON.stringify(table), warnings);
    return;
  }
  sendJson(call.res, code, JSON.stringify(presentIn(call.route, obj)), warnings);
}

function handleList(ctx: RouteContext, call: Call): void {
  const { route, query: q } = call;
  const t = route.type;
  let fieldSelector = translateSelector(route, q.get('fieldSelector') ?? '');
  if (route.name !== undefined)
    fieldSelector = [fieldSelector, `metadata.name=${route.name}`]
      .filter((s) => s !== '')
      .join(',');
  const labelSelector = q.get('labelSelector') ?? '';
  const matches = buildMatcher(t, labelSelector, fieldSelector);
  const namespace = t.namespaced ? route.namespace : undefined;
  const table = wantsTable(call.req.headers.accept);
  if (route.watch) {
    const includeObject = readIncludeObject(q);
    const timeout = q.get('timeoutSeconds');
    serveWatch(
      call.res,
      {
        type: t,
        namespace,
        matches,
        resourceVersion: q.get('resourceVersion') ?? undefined,
        allowBookmarks:
          q.get('allowWatchBookmarks') === 'true' || q.get('allowWatchBookmarks') === '1',
        sendInitialEvents: q.get('sendInitialEvents') === 'true',
        timeoutSeconds: timeout === null ? undefined : Number(timeout),
        bookmarkIntervalMs: ctx.bookmarkIntervalMs,
        transform: table
          ? (o) =>
              renderTable(
                t,
                [o],
                { resourceVersion: o.metadata.resourceVersion },
                includeObject,
                Date.now(),
              )
          : route.view?.conversion?.fromStorage,
      },
      { store: ctx.store, faults: ctx.faults, track: ctx.trackWatch },
    );
    return;
  }
  const rv = ctx.store.currentRv();
  const limit = Number(q.get('limit') ?? '0');
  const page = paginate(
    ctx.store.list(t.storageKey, namespace),
    matches,
    {
      labelSelector,
      fieldSelector,
      limit: Number.isFinite(limit) ? limit : 0,
      continueToken: q.get('continue') ?? '',
    },
    rv,
    labelSelector !== '' || fieldSelector !== '',
  );
  const metadata: Record<string, unknown> = { resourceVersion: String(rv) };
  if (page.continueToken !== undefined) metadata['continue'] = page.continueToken;
  if (page.remainingItemCount !== undefined)
    metadata['remainingItemCount'] = page.remainingItemCount;
  if (table) {
    sendJson(
      call.res,
      200,
      JSON.stringify(renderTable(t, page.items, metadata, readIncludeObject(q), Date.now())),
    );
    return;
  }
  const shown = route.view ?? t;
  // Typed lists of built-ins carry no kind/apiVersion per item; custom resource lists do.
  const items = page.items.map((o) => {
    const item = presentIn(route, o);
    return shown.strategicMerge ? { ...item, kind: undefined, apiVersion: undefined } : item;
  });
  sendJson(
    call.res,
    200,
    JSON.stringify({ kind: shown.listKind, apiVersion: formatApiVersion(shown), metadata, items }),
  );
}

function handleDeleteCollection(ctx: RouteContext, call: Call): void {
  const { route, query: q } = call;
  const t = route.type;
  const matches = buildMatcher(
    t,
    q.get('labelSelector') ?? '',
    translateSelector(route, q.get('fieldSelector') ?? ''),
  );
  const opts = readDeleteOptions(q, call.body);
  const deleted: StoredObject[] = [];
  for (const obj of ctx.store.list(t.storageKey, t.namespaced ? route.namespace : undefined)) {
    if (!matches(obj)) continue;
    deleted.push(
      ctx.service.delete(t, obj.metadata.namespace ?? '', obj.metadata.name, opts).object,
    );
  }
  const items = deleted.map((o) => presentIn(route, o));
  sendJson(
    call.res,
    200,
    JSON.stringify({
      kind: (route.view ?? t).listKind,
      apiVersion: formatApiVersion(route.view ?? t),
      metadata: { resourceVersion: String(ctx.store.currentRv()) },
      items,
    }),
  );
}

function handlePatch(ctx: RouteContext, call: Call, subresource: 'status' | undefined): void {
  const { route, req, query } = call;
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
  const opts = readWriteOptions(query);
  if (contentType === PATCH_TYPES.apply) {
    if ((query.get('fieldManager') ?? '') === '') {
      throw new StatusError(
        422,
        'Invalid',
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      );
    }
    const result = ctx.service.apply(
      route.type,
      route.namespace ?? '',
      route.name ?? '',
      parseBody(call.body, contentType),
      opts,
    );
    sendObject(call, result.created ? 201 : 200, result.object, result.warnings);
    return;
  }
  const patch = parseBody(call.body, 'application/json');
  const result = ctx.service.patch(
    route.type,
    route.namespace ?? '',
    route.name ?? '',
    contentType,
    patch,
    opts,
    subresource,
    route.view?.conversion,
  );
  sendObject(call, 200, result.object, result.warnings);
}

function handleSubresource(ctx: RouteContext, call: Call, method: string): void {
  const { route } = call;
  const t = route.type;
  const sub = route.subresource ?? '';
  const ns = route.namespace ?? '';
  const name = route.name ?? '';
  if (sub === 'status' && t.hasStatus) {
    if (method === 'GET') sendObject(call, 200, ctx.service.get(t, ns, name));
    else if (method === 'PUT') {
      const result = ctx.service.update(
        t,
        ns,
        name,
        parseBody(call.body, ''),
        readWriteOptions(call.query),
        'status',
      );
      sendObject(call, 200, result.object, result.warnings);
    } else if (method === 'PATCH') handlePatch(ctx, call, 'status');
    else
      throw newMethodNotAllowed('the server does not allow this method on the requested resource');
    return;
  }
  if (sub === 'finalize' && t.kind === 'Namespace' && t.group === '') {
    if (method !== 'PUT')
      throw newMethodNotAllowed('the server does not allow this method on the requested resource');
    const body = parseBody(call.body, '') as { spec?: { finalizers?: unknown } };
    const finalizers = Array.isArray(body.spec?.finalizers)
      ? (body.spec.finalizers as string[])
      : [];
    sendObject(call, 200, ctx.service.finalizeNamespace(t, name, finalizers));
    return;
  }
  if (sub === 'scale' && t.scale !== undefined) {
    handleScale(ctx, call, method, t.scale);
    return;
  }
  if (t.kind === 'Pod' && t.group === '') {
    handlePodSubresource(ctx, call.route, method, call.query, call.body, call.res);
    return;
  }
  throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
}
