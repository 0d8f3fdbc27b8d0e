/**
 * Counts repeated notifications on the run they repeat: `status.occurrences` and
 * `status.lastSeenAt`. Alertmanager repeats a group every group_interval (and every member of
 * an HA pair, and every retry), so writes are coalesced per run: at most one in flight, at
 * most one per `minIntervalMs`, repeats meanwhile adding to the next write. They are done
 * after the answer: the counter tells people how loud an alert was, while what must be
 * durable before a 2xx (the run exists) already is. Without the interval a storm of repeats
 * became a stream of status writes, each one a watch event that every informer and the
 * engine handled: the largest cost of answering a hot duplicate. Each write carries the run's
 * resourceVersion through the status subresource and is re-read and retried on 409, so it
 * never overwrites the engine's progress.
 */
import type { WorkflowExecution } from '../api/workflow-execution.ts';
import { isNotFound, statusCodeOf } from '../kube/errors.ts';

export interface OccurrenceApi {
  getRun(namespace: string, name: string): Promise<WorkflowExecution | undefined>;
  replaceRunStatus(run: WorkflowExecution): Promise<unknown>;
}

interface Pending {
  count: number;
  /** Milliseconds: a storm of repeats formats a timestamp once per write, not per repeat. */
  lastSeenMs: number;
}

const MAX_CONFLICTS = 5;

export interface OccurrenceRecorderOptions {
  /** The least time between two writes to one run; 0 writes as soon as the last one ended. */
  minIntervalMs?: number;
  /**
   * The run as the informer last saw it. The first write starts from it, as client-go's
   * retry-on-conflict does: a stale copy costs one 409 and a read, a fresh one saves the read.
   */
  cachedRun?: (namespace: string, name: string) => WorkflowExecution | undefined;
}

export class OccurrenceRecorder {
  private readonly pending = new Map<string, Pending>();
  /** Runs with a write in flight or resting between writes: `record` only adds to pending. */
  private readonly writing = new Set<string>();
  private readonly resting = new Set<() => void>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly api: OccurrenceApi;
  private readonly onError: (error: unknown, run: string) => void;
  private readonly minIntervalMs: number;
  private readonly cachedRun: OccurrenceRecorderOptions['cachedRun'];
  private writesInFlight = 0;

  constructor(
    api: OccurrenceApi,
    onError: (error: unknown, run: string) => void,
    options: OccurrenceRecorderOptions = {},
  ) {
    this.api = api;
    this.onError = onError;
    this.minIntervalMs = options.minIntervalMs ?? 1_000;
    this.cachedRun = options.cachedRun;
  }

  record(namespace: string, name: string, seenAt: Date): void {
    const key = `${namespace}/${name}`;
    const entry = this.pending.get(key);
    const seenMs = seenAt.getTime();
    if (entry) {
      entry.count++;
      if (seenMs > entry.lastSeenMs) entry.lastSeenMs = seenMs;
    } else this.pending.set(key, { count: 1, lastSeenMs: seenMs });
    if (!this.writing.has(key)) void this.flush(key, namespace, name);
  }

  /** Resolves when every count recorded so far is written (tests and shutdown). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Writes what is pending now rather than after the interval (shutdown). */
  async drain(): Promise<void> {
    for (const wake of [...this.resting]) wake();
    await this.idle();
  }

  private isIdle(): boolean {
    return this.pending.size === 0 && this.writesInFlight === 0;
  }

  private async flush(key: string, namespace: string, name: string): Promise<void> {
    this.writing.add(key);
    try {
      for (let entry = this.pending.get(key); entry; entry = this.pending.get(key)) {
        this.pending.delete(key);
        const started = performance.now();
        this.writesInFlight++;
        try {
          await this.write(namespace, name, entry);
        } catch (error) {
          this.onError(error, key);
        } finally {
          this.writesInFlight--;
        }
        this.wakeIdleWaiters();
        await this.rest(this.minIntervalMs - (performance.now() - started));
      }
    } finally {
      this.writing.delete(key);
    }
  }

  /** Waits `ms` unless drained meanwhile; the timer never keeps the process alive. */
  private rest(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.resting.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      timer.unref();
      this.resting.add(wake);
    });
  }

  private wakeIdleWaiters(): void {
    if (this.isIdle()) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  private async write(namespace: string, name: string, entry: Pending): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const cached = attempt === 1 ? this.cachedRun?.(namespace, name) : undefined;
      const run =
        cached ??
        (await this.api.getRun(namespace, name).catch((error: unknown) => {
          if (isNotFound(error)) return undefined;
          throw error;
        }));
      if (!run) return; // deleted meanwhile: nothing to count on
      const status = run.status ?? { steps: [], conditions: [] };
      // The notification that created the run is its first occurrence.
      const occurrences = (status.occurrences ?? 1) + entry.count;
      const seenAt = new Date(entry.lastSeenMs).toISOString();
      const lastSeenAt =
        status.lastSeenAt && status.lastSeenAt > seenAt ? status.lastSeenAt : seenAt;
      try {
        await this.api.replaceRunStatus({ ...run, status: { ...status, occurrences, lastSeenAt } });
        return;
      } catch (error) {
        if (statusCodeOf(error) !== 409 || attempt >= MAX_CONFLICTS) throw error;
      }
    }
  }
}
