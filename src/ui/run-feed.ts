/**
 * The runs the UI shows and their changes, from one informer on WorkflowExecutions per
 * replica, however many browsers watch: each SSE client is a listener of this fan-out, not a
 * watch of its own on the API server. Listeners are bounded; a full feed refuses a new one
 * (the page then answers 503 and the browser retries), and a listener that throws is dropped
 * so one broken stream cannot stall the others.
 */
import type { KubeConfig, KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { GROUP, VERSION } from '../api/group.ts';
import type { WorkflowExecution } from '../api/workflow-execution.ts';
import type { InformerEvent } from '../kube/informer.ts';
import { SharedInformers, type SharedInformer } from '../kube/shared-informers.ts';

export type RunListener = (event: InformerEvent, run: WorkflowExecution) => void;

/** What the UI routes need of the feed (tests give a fake). */
export interface RunFeedView {
  list(): WorkflowExecution[];
  get(namespace: string, name: string): WorkflowExecution | undefined;
  isSynced(): boolean;
  /**
   * The unsubscribe function, or undefined when the feed has its maximum of listeners.
   * `onEnd` is called when the feed ends every stream (shutdown).
   */
  subscribe(listener: RunListener, onEnd?: () => void): (() => void) | undefined;
  readonly listeners: number;
}

export class RunFeed implements RunFeedView {
  private readonly subscribers = new Set<RunListener>();
  private readonly enders = new Map<RunListener, () => void>();
  private readonly source: SharedInformer<KubernetesObject>;
  private readonly maxListeners: number;
  private synced = false;

  constructor(
    source: SharedInformer<KubernetesObject>,
    options: { maxListeners: number; onListenerError?: (error: unknown) => void },
  ) {
    this.source = source;
    this.maxListeners = options.maxListeners;
    source.subscribe((event, run) => {
      for (const listener of this.subscribers) {
        try {
          listener(event, run as WorkflowExecution);
        } catch (error) {
          this.subscribers.delete(listener);
          this.enders.get(listener)?.();
          this.enders.delete(listener);
          options.onListenerError?.(error);
        }
      }
    });
  }

  get listeners(): number {
    return this.subscribers.size;
  }

  markSynced(): void {
    this.synced = true;
  }

  isSynced(): boolean {
    return this.synced;
  }

  list(): WorkflowExecution[] {
    return this.source.cache.list() as WorkflowExecution[];
  }

  get(namespace: string, name: string): WorkflowExecution | undefined {
    return this.source.cache.get(name, namespace) as WorkflowExecution | undefined;
  }

  subscribe(listener: RunListener, onEnd?: () => void): (() => void) | undefined {
    if (this.subscribers.size >= this.maxListeners) return undefined;
    this.subscribers.add(listener);
    if (onEnd) this.enders.set(listener, onEnd);
    return () => {
      this.subscribers.delete(listener);
      this.enders.delete(listener);
    };
  }

  /**
   * Ends every stream: called first on shutdown, since an open SSE response would keep the
   * HTTP server from closing until the shutdown timeout.
   */
  endStreams(): void {
    for (const end of [...this.enders.values()]) end();
    this.subscribers.clear();
    this.enders.clear();
  }
}

export interface StartedRunFeed {
  feed: RunFeed;
  /** Resolves once the first list has filled the cache. */
  synced: Promise<void>;
  stop(): Promise<void>;
}

/** Starts the UI's informer on every namespace's runs; the feed is synced after the first list. */
export function startRunFeed(
  kc: KubeConfig,
  options: {
    maxListeners: number;
    onError?: (error: unknown) => void;
    /** The replica's informers, shared with the engine and the intake (their owner stops them). */
    informers?: SharedInformers;
  },
): StartedRunFeed {
  const informers = options.informers ?? new SharedInformers(kc, options.onError);
  const custom = kc.makeApiClient(CustomObjectsApi);
  // Runs carry no managed-by label when a user applies them: the UI shows every run.
  const source = informers.informer(
    `/apis/${GROUP}/${VERSION}/workflowexecutions`,
    () =>
      custom.listClusterCustomObject({
        group: GROUP,
        version: VERSION,
        plural: 'workflowexecutions',
      }) as Promise<KubernetesListObject<KubernetesObject>>,
  );
  const feed = new RunFeed(source, {
    maxListeners: options.maxListeners,
    ...(options.onError ? { onListenerError: options.onError } : {}),
  });
  const synced = informers.synced().then(() => {
    feed.markSynced();
  });
  return {
    feed,
    synced,
    stop: () => (options.informers ? Promise.resolve() : informers.stop()),
  };
}
