/**
 * One list + watch per resource, shared by every controller that reads it (client-go's
 * SharedInformerFactory): the local cluster's controllers all read pods, but the API
 * server sees one pod watch.
 */
import type { KubeConfig, KubernetesObject, ListPromise } from '@kubernetes/client-node';
import {
  startInformer,
  type InformerEvent,
  type InformerHandle,
  type ObjectCache,
} from './informer.ts';

export type InformerHandler<T> = (event: InformerEvent, object: T) => void;

export interface SharedInformer<T extends KubernetesObject> {
  cache: ObjectCache<T>;
  subscribe(handler: InformerHandler<T>): void;
}

interface Entry {
  handle: InformerHandle<KubernetesObject>;
  handlers: InformerHandler<KubernetesObject>[];
}

export class SharedInformers {
  private readonly entries = new Map<string, Entry>();
  private readonly kc: KubeConfig;
  private readonly onError: ((error: unknown) => void) | undefined;

  constructor(kc: KubeConfig, onError?: (error: unknown) => void) {
    this.kc = kc;
    this.onError = onError;
  }

  /** The informer of a watch path (and label selector), started on first use. */
  informer<T extends KubernetesObject>(
    path: string,
    list: ListPromise<T>,
    labelSelector?: string,
  ): SharedInformer<T> {
    const key = labelSelector ? `${path}?labelSelector=${labelSelector}` : path;
    let entry = this.entries.get(key);
    if (!entry) {
      const handlers: InformerHandler<KubernetesObject>[] = [];
      const handle = startInformer<T>({
        kc: this.kc,
        path,
        list,
        ...(labelSelector ? { labelSelector } : {}),
        onEvent: (event, object) => {
          for (const handler of handlers) handler(event, object);
        },
        ...(this.onError ? { onError: this.onError } : {}),
      }) as unknown as InformerHandle<KubernetesObject>;
      entry = { handle, handlers };
      this.entries.set(key, entry);
    }
    const { handle, handlers } = entry;
    return {
      cache: handle.cache as unknown as ObjectCache<T>,
      subscribe: (handler) => {
        handlers.push(handler as InformerHandler<KubernetesObject>);
        // A late subscriber sees what the cache already holds, as client-go's AddEventHandler.
        for (const object of handle.cache.list()) handler('add', object as T);
      },
    };
  }

  async synced(): Promise<void> {
    await Promise.all([...this.entries.values()].map((entry) => entry.handle.synced));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.entries.values()].map((entry) => entry.handle.stop()));
    this.entries.clear();
  }
}
