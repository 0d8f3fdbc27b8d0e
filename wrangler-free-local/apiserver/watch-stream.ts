// One watch: newline-delimited JSON events (ADDED/MODIFIED/DELETED/BOOKMARK/ERROR) from a
// resourceVersion, with the real server's rules: no resourceVersion or "0" starts with
// synthetic ADDED events, an rv older than the history answers an ERROR 410 Expired event,
// objects entering or leaving the selector appear as ADDED or DELETED.

import type { ServerResponse } from 'node:http';
import type { FaultInjector } from './fault-injector.ts';
import type { ObjectStore, StoreEvent, StoredObject } from './object-store.ts';
import { formatApiVersion, type ResourceType } from './resource-type.ts';
import { newGone } from './status-error.ts';

export interface WatchOptions {
  type: ResourceType;
  namespace: string | undefined;
  matches: (obj: StoredObject) => boolean;
  resourceVersion: string | undefined;
  allowBookmarks: boolean;
  sendInitialEvents: boolean;
  timeoutSeconds: number | undefined;
  bookmarkIntervalMs: number;
  /** Renders an event object, e.g. as a Table; undefined for plain JSON. */
  transform: ((obj: StoredObject) => unknown) | undefined;
}

export interface WatchDeps {
  store: ObjectStore;
  faults: FaultInjector;
  /** Called on close; lets the server end all watches on shutdown. */
  track: (close: () => void) => () => void;
}

function serializeEvent(
  type: string,
  obj: StoredObject,
  opts: WatchOptions,
  cached: StoreEvent | undefined,
): string {
  const apiVersion = formatApiVersion(opts.type);
  if (opts.transform !== undefined)
    return `{"type":"${type}","object":${JSON.stringify(opts.transform(obj))}}\n`;
  if (obj.apiVersion !== apiVersion)
    return `{"type":"${type}","object":${JSON.stringify({ ...obj, apiVersion })}}\n`;
  if (cached !== undefined && cached.object === obj) {
    cached.json ??= JSON.stringify(obj);
    return `{"type":"${type}","object":${cached.json}}\n`;
  }
  return `{"type":"${type}","object":${JSON.stringify(obj)}}\n`;
}

/** Decides how a store event shows to a watcher with selectors (possibly not at all). */
function classify(
  e: StoreEvent,
  opts: WatchOptions,
): { type: string; obj: StoredObject } | undefined {
  const inNs = (o: StoredObject): boolean =>
    opts.namespace === undefined || (o.metadata.namespace ?? '') === opts.namespace;
  const now = inNs(e.object) && opts.matches(e.object);
  if (e.type === 'DELETED')
    return now || (e.previous !== undefined && inNs(e.previous) && opts.matches(e.previous))
      ? { type: 'DELETED', obj: e.object }
      : undefined;
  const before = e.previous !== undefined && inNs(e.previous) && opts.matches(e.previous);
  if (now) return { type: before ? 'MODIFIED' : 'ADDED', obj: e.object };
  if (before) return { type: 'DELETED', obj: e.object };
  return undefined;
}

export function serveWatch(res: ServerResponse, opts: WatchOptions, deps: WatchDeps): void {
  const { store, faults } = deps;
  const rvText = opts.resourceVersion ?? '';
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  let buffered: string[] = [];
  // Events of one turn of the event loop go out in one write: in a burst, one TLS record and
  // one syscall for many events instead of one each. Clients read lines, so nothing else changes.
  let pending: string[] = [];
  let flushing: NodeJS.Immediate | undefined;
  const flush = (): void => {
    flushing = undefined;
    if (pending.length === 0 || res.writableEnded || res.destroyed) return;
    const chunk = pending.length === 1 ? (pending[0] ?? '') : pending.join('');
    pending = [];
    res.write(chunk);
  };
  const write = (chunk: string): void => {
    if (faults.isPaused()) {
      buffered.push(chunk);
      return;
    }
    pending.push(chunk);
    flushing ??= setImmediate(flush);
  };
  const bookmark = (annotations?: Record<string, string>): void => {
    const metadata: Record<string, unknown> = { resourceVersion: String(store.currentRv()) };
    if (annotations !== undefined) metadata['annotations'] = annotations;
    write(
      `${JSON.stringify({ type: 'BOOKMARK', object: { kind: opts.type.kind, apiVersion: formatApiVersion(opts.type), metadata } })}\n`,
    );
  };
  const startRv = Number(rvText);
  const initial = rvText === '' || rvText === '0' || opts.sendInitialEvents;
  if (initial) {
    const ns = opts.type.namespaced ? opts.namespace : undefined;
    for (const obj of store.list(opts.type.storageKey, ns)) {
      if (opts.matches(obj)) write(serializeEvent('ADDED', obj, opts, undefined));
    }
    if (opts.sendInitialEvents && opts.allowBookmarks)
      bookmark({ 'k8s.io/initial-events-end': 'true' });
  } else {
    const history = Number.isFinite(startRv)
      ? store.readEventsSince(opts.type.storageKey, startRv)
      : undefined;
    if (history === undefined) {
      const status = newGone(
        `too old resource version: ${rvText} (${store.currentRv()})`,
      ).toStatus();
      res.end(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
      return;
    }
    for (const e of history) {
      const shown = classify(e, opts);
      if (shown !== undefined) write(serializeEvent(shown.type, shown.obj, opts, e));
    }
  }
  const unsubscribe = store.subscribe(opts.type.storageKey, (e) => {
    const shown = classify(e, opts);
    if (shown !== undefined) write(serializeEvent(shown.type, shown.obj, opts, e));
  });
  const stopResume = faults.onResume(() => {
    flush();
    for (const chunk of buffered) res.write(chunk);
    buffered = [];
  });
  const timers: NodeJS.Timeout[] = [];
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    unsubscribe();
    stopResume();
    untrack();
    for (const t of timers) clearTimeout(t);
    clearImmediate(flushing);
    flush();
    if (!res.writableEnded) res.end();
  };
  const untrack = deps.track(close);
  if (opts.allowBookmarks) {
    const interval = setInterval(() => {
      bookmark();
    }, opts.bookmarkIntervalMs);
    timers.push(interval);
  }
  if (opts.timeoutSeconds !== undefined && opts.timeoutSeconds > 0)
    timers.push(setTimeout(close, opts.timeoutSeconds * 1000));
  if (faults.watchCutMs() > 0) timers.push(setTimeout(close, faults.watchCutMs()));
  res.on('close', close);
}
