/**
 * A list + watch cache of one resource (client-go's reflector and informer). We keep our own
 * instead of client-node's: after a clean watch end it re-watches at once (client-node waits
 * up to 30 s when no event came between two ends), it asks for bookmarks, it relists after
 * 410 Gone, and it retries lists and watches that fail with capped, jittered backoff instead
 * of stopping, so a cache never dies while the API server is flaky.
 */
import type { KubeConfig, KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import { statusCodeOf } from './errors.ts';
import { RequestWatch } from './request-watch.ts';

export type InformerEvent = 'add' | 'update' | 'delete';

export interface InformerOptions<T extends KubernetesObject> {
  kc: KubeConfig;
  /** The watch path, e.g. /api/v1/pods or /apis/kubernaut.ai/v1alpha1/workflowexecutions. */
  path: string;
  list: () => Promise<KubernetesListObject<T>>;
  labelSelector?: string;
  onEvent: (event: InformerEvent, object: T) => void;
  onError?: (error: unknown, retryInMs: number) => void;
  maxBackoffMs?: number;
}

export interface ObjectCache<T> {
  get(name: string, namespace?: string): T | undefined;
  list(namespace?: string): T[];
}

export interface InformerHandle<T extends KubernetesObject> {
  cache: ObjectCache<T>;
  /** Resolves once the first list has filled the cache. */
  synced: Promise<void>;
  isSynced(): boolean;
  stop(): Promise<void>;
}

/** An object's cache key, `namespace/name`: the key work queues and reconcilers use too. */
export const keyOf = (object: { metadata?: { namespace?: string; name?: string } }): string =>
  `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;

class Store<T extends KubernetesObject> implements ObjectCache<T> {
  readonly objects = new Map<string, T>();
  get(name: string, namespace?: string): T | undefined {
    return this.objects.get(`${namespace ?? ''}/${name}`);
  }
  list(namespace?: string): T[] {
    const all = [...this.objects.values()];
    return namespace === undefined
      ? all
      : all.filter((object) => object.metadata?.namespace === namespace);
  }
}

export function startInformer<T extends KubernetesObject>(
  options: InformerOptions<T>,
): InformerHandle<T> {
  const store = new Store<T>();
  const watch = new RequestWatch(options.kc);
  let stopped = false;
  let synced = false;
  let resourceVersion = '';
  let failures = 0;
  let request: AbortController | undefined;
  let wake: (() => void) | undefined;
  let markSynced: () => void = () => undefined;
  const syncedPromise = new Promise<void>((resolve) => (markSynced = resolve));

  const upsert = (object: T): void => {
    const key = keyOf(object);
    const known = store.objects.has(key);
    store.objects.set(key, object);
    options.onEvent(known ? 'update' : 'add', object);
  };
  const remove = (object: T): void => {
    store.objects.delete(keyOf(object));
    options.onEvent('delete', object);
  };

  const relist = async (): Promise<void> => {
    const list = await options.list();
    const seen = new Set<string>();
    for (const item of list.items) {
      seen.add(keyOf(item));
      const previous = store.objects.get(keyOf(item));
      if (previous?.metadata?.resourceVersion !== item.metadata?.resourceVersion || !previous)
        upsert(item);
    }
    for (const [key, object] of [...store.objects]) if (!seen.has(key)) remove(object);
    resourceVersion = list.metadata?.resourceVersion ?? '';
    if (!synced) {
      synced = true;
      markSynced();
    }
  };

  /** One watch from resourceVersion; resolves when the stream ends, with why. */
  const watchOnce = (): Promise<{ gone: boolean; error?: unknown }> =>
    new Promise((resolve) => {
      let gone = false;
      const query: Record<string, string | number | boolean> = {
        resourceVersion,
        allowWatchBookmarks: true,
        // Like client-go: the server ends the watch cleanly after 5–10 minutes.
        timeoutSeconds: 300 + Math.floor(Math.random() * 300),
        ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}),
      };
      watch
        .watch(
          options.path,
          query,
          (type: string, object: T & { code?: number }) => {
            if (type === 'ERROR') {
              if (object.code === 410) gone = true;
              return;
            }
            if (object.metadata?.resourceVersion) resourceVersion = object.metadata.resourceVersion;
            failures = 0;
            if (type === 'ADDED' || type === 'MODIFIED') upsert(object);
            else if (type === 'DELETED') remove(object);
          },
          (error: unknown) => {
            resolve(error ? { gone: gone || statusCodeOf(error) === 410, error } : { gone });
          },
        )
        .then(
          (controller) => {
            request = controller;
            if (stopped) controller.abort();
          },
          (error: unknown) => {
            resolve({ gone: statusCodeOf(error) === 410, error });
          },
        );
    });

  const backoff = async (error: unknown): Promise<void> => {
    failures++;
    const cap = options.maxBackoffMs ?? 5_000;
    const delay = Math.min(cap, 50 * 2 ** Math.min(failures, 10)) * (0.5 + Math.random() / 2);
    options.onError?.(error, delay);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  };

  // A function, not the variable: stop() flips it while a watch is awaited.
  const isStopped = (): boolean => stopped;
  const run = async (): Promise<void> => {
    while (!stopped) {
      if (!resourceVersion) {
        try {
          await relist();
          failures = 0;
        } catch (error) {
          await backoff(error);
          continue;
        }
      }
      const ended = await watchOnce();
      if (isStopped()) return;
      if (ended.gone) resourceVersion = ''; // too old: list again
      if (ended.error && !ended.gone) await backoff(ended.error);
    }
  };
  void run();

  return {
    cache: store,
    synced: syncedPromise,
    isSynced: () => synced,
    stop: () => {
      stopped = true;
      request?.abort();
      wake?.();
      return Promise.resolve();
    },
  };
}
