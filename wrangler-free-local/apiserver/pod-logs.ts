// pods/log: text a simulated kubelet appends per container, served as the real kubelet
// would through the API server: the container is checked, a pod that is not yet bound or a
// container still waiting answers 400, `tailLines` and `limitBytes` cut, and `follow=true`
// streams appends until the container terminates or the pod goes.

import type { ServerResponse } from 'node:http';
import { sendText } from './http-io.ts';
import type { ObjectStore, StoredObject } from './object-store.ts';
import { newBadRequest } from './status-error.ts';

export class PodLogs {
  private readonly texts = new Map<string, string>();
  private readonly listeners = new Map<string, Set<(chunk: string) => void>>();

  static keyOf(namespace: string, pod: string, container: string): string {
    return `${namespace}/${pod}/${container}`;
  }

  read(key: string): string {
    return this.texts.get(key) ?? '';
  }

  set(key: string, text: string): void {
    this.texts.set(key, text);
  }

  append(key: string, text: string): void {
    this.texts.set(key, this.read(key) + text);
    for (const l of this.listeners.get(key) ?? []) l(text);
  }

  subscribe(key: string, listener: (chunk: string) => void): () => void {
    let set = this.listeners.get(key);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(key, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }
}

interface ContainerStatus {
  name?: string;
  state?: { waiting?: { reason?: string }; terminated?: object; running?: object };
}

function readContainerStatus(pod: StoredObject, container: string): ContainerStatus | undefined {
  const status = (pod['status'] ?? {}) as { containerStatuses?: ContainerStatus[] };
  return status.containerStatuses?.find((c) => c.name === container);
}

function selectContainer(pod: StoredObject, requested: string): string {
  const containers = ((pod['spec'] ?? {}) as { containers?: { name?: string }[] }).containers ?? [];
  const names = containers.map((c) => c.name ?? '');
  if (requested === '') {
    if (names.length !== 1) {
      throw newBadRequest(
        `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(' ')}]`,
      );
    }
    return names[0] ?? '';
  }
  if (!names.includes(requested))
    throw newBadRequest(`container ${requested} is not valid for pod ${pod.metadata.name}`);
  return requested;
}

function checkReadable(pod: StoredObject, container: string): void {
  const nodeName = ((pod['spec'] ?? {}) as { nodeName?: string }).nodeName;
  if (nodeName === undefined || nodeName === '')
    throw newBadRequest(`pod ${pod.metadata.name} does not have a host assigned`);
  const state = readContainerStatus(pod, container)?.state;
  if (state === undefined || state.waiting !== undefined) {
    const reason = state?.waiting?.reason ?? 'ContainerCreating';
    throw newBadRequest(
      `container "${container}" in pod "${pod.metadata.name}" is waiting to start: ${reason}`,
    );
  }
}

function cut(text: string, query: URLSearchParams): string {
  let out = text;
  const tail = Number(query.get('tailLines') ?? '-1');
  if (tail >= 0) {
    const lines = out.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    out = lines
      .slice(Math.max(0, lines.length - tail))
      .map((l) => `${l}\n`)
      .join('');
  }
  const limit = Number(query.get('limitBytes') ?? '-1');
  return limit > 0 ? Buffer.from(out).subarray(0, limit).toString() : out;
}

function isFinished(pod: StoredObject | undefined, container: string): boolean {
  if (pod === undefined) return true;
  return readContainerStatus(pod, container)?.state?.terminated !== undefined;
}

export interface LogDeps {
  logs: PodLogs;
  store: ObjectStore;
  track: (close: () => void) => () => void;
}

export function serveLog(
  deps: LogDeps,
  pod: StoredObject,
  query: URLSearchParams,
  res: ServerResponse,
): void {
  const container = selectContainer(pod, query.get('container') ?? '');
  checkReadable(pod, container);
  const key = PodLogs.keyOf(pod.metadata.namespace ?? '', pod.metadata.name, container);
  const text = cut(deps.logs.read(key), query);
  if (query.get('follow') !== 'true' || isFinished(pod, container)) {
    sendText(res, 200, text);
    return;
  }
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
  res.write(text);
  const stopLogs = deps.logs.subscribe(key, (chunk) => res.write(chunk));
  const stopPods = deps.store.subscribe('/pods', (e) => {
    if (e.object.metadata.uid !== pod.metadata.uid) return;
    if (e.type === 'DELETED' || isFinished(e.object, container)) close();
  });
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    stopLogs();
    stopPods();
    untrack();
    if (!res.writableEnded) res.end();
  };
  const untrack = deps.track(close);
  res.on('close', close);
}
