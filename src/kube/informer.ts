/**
 * A list + watch cache of one resource, on client-node's informer: it relists after 410
 * Gone and reconnects after a clean watch end; after an error it is restarted here with
 * capped exponential backoff, so a flaky API server never leaves a cache dead.
 */
import {
  makeInformer,
  type KubeConfig,
  type KubernetesObject,
  type ListPromise,
  type ObjectCache,
} from '@kubernetes/client-node';

export type InformerEvent = 'add' | 'update' | 'delete';

export interface InformerOptions<T extends KubernetesObject> {
  kc: KubeConfig;
  /** The watch path, e.g. /api/v1/pods or /apis/kubernaut.ai/v1alpha1/workflowexecutions. */
  path: string;
  list: ListPromise<T>;
  labelSelector?: string;
  onEvent: (event: InformerEvent, object: T) => void;
  onError?: (error: unknown, restartInMs: number) => void;
  maxRestartDelayMs?: number;
}

export interface InformerHandle<T extends KubernetesObject> {
  cache: ObjectCache<T>;
  /** Resolves once the first list has filled the cache. */
  synced: Promise<void>;
  isSynced(): boolean;
  stop(): Promise<void>;
}

export function startInformer<T extends KubernetesObject>(
  options: InformerOptions<T>,
): InformerHandle<T> {
  const informer = makeInformer<T>(options.kc, options.path, options.list, options.labelSelector);
  let stopped = false;
  let synced = false;
  let restartDelayMs = 0;
  let restartTimer: NodeJS.Timeout | undefined;
  for (const event of ['add', 'update', 'delete'] as const) {
    informer.on(event, (object) => {
      restartDelayMs = 0;
      options.onEvent(event, object);
    });
  }
  informer.on('error', (error: unknown) => {
    if (stopped) return;
    restartDelayMs = Math.min(
      options.maxRestartDelayMs ?? 10_000,
      Math.max(100, restartDelayMs * 2),
    );
    options.onError?.(error, restartDelayMs);
    restartTimer = setTimeout(() => {
      if (!stopped) void informer.start().catch(() => undefined);
    }, restartDelayMs);
  });
  const start = async (): Promise<void> => {
    for (;;) {
      try {
        await informer.start();
        synced = true;
        return;
      } catch (error) {
        if (stopped) return;
        restartDelayMs = Math.min(
          options.maxRestartDelayMs ?? 10_000,
          Math.max(100, restartDelayMs * 2),
        );
        options.onError?.(error, restartDelayMs);
        await new Promise((resolve) => setTimeout(resolve, restartDelayMs));
      }
    }
  };
  return {
    cache: informer,
    synced: start(),
    isSynced: () => synced,
    stop: async () => {
      stopped = true;
      clearTimeout(restartTimer);
      await informer.stop();
    },
  };
}
