/**
 * Counts repeated notifications on the run they repeat: `status.occurrences` and
 * `status.lastSeenAt`. Alertmanager repeats a group every group_interval, so writes are
 * coalesced per run (at most one in flight; repeats meanwhile add to the next write) and done
 * after the answer: the counter tells people how loud an alert was, while what must be
 * durable before a 2xx (the run exists) already is. Each write carries the run's
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
  lastSeenAt: string;
}

const MAX_CONFLICTS = 5;

export class OccurrenceRecorder {
  private readonly pending = new Map<string, Pending>();
  private readonly writing = new Set<string>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly api: OccurrenceApi;
  private readonly onError: (error: unknown, run: string) => void;

  constructor(api: OccurrenceApi, onError: (error: unknown, run: string) => void) {
    this.api = api;
    this.onError = onError;
  }

  record(namespace: string, name: string, seenAt: Date): void {
    const key = `${namespace}/${name}`;
    const entry = this.pending.get(key);
    const iso = seenAt.toISOString();
    if (entry) {
      entry.count++;
      if (iso > entry.lastSeenAt) entry.lastSeenAt = iso;
    } else this.pending.set(key, { count: 1, lastSeenAt: iso });
    if (!this.writing.has(key)) void this.flush(key, namespace, name);
  }

  /** Resolves when nothing is pending (tests and shutdown). */
  idle(): Promise<void> {
    if (this.writing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async flush(key: string, namespace: string, name: string): Promise<void> {
    this.writing.add(key);
    try {
      for (let entry = this.pending.get(key); entry; entry = this.pending.get(key)) {
        this.pending.delete(key);
        try {
          await this.write(namespace, name, entry);
        } catch (error) {
          this.onError(error, key);
        }
      }
    } finally {
      this.writing.delete(key);
      if (this.writing.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  private async write(namespace: string, name: string, entry: Pending): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const run = await this.api.getRun(namespace, name).catch((error: unknown) => {
        if (isNotFound(error)) return undefined;
        throw error;
      });
      if (!run) return; // deleted meanwhile: nothing to count on
      const status = run.status ?? { steps: [], conditions: [] };
      // The notification that created the run is its first occurrence.
      const occurrences = (status.occurrences ?? 1) + entry.count;
      const lastSeenAt =
        status.lastSeenAt && status.lastSeenAt > entry.lastSeenAt
          ? status.lastSeenAt
          : entry.lastSeenAt;
      try {
        await this.api.replaceRunStatus({ ...run, status: { ...status, occurrences, lastSeenAt } });
        return;
      } catch (error) {
        if (statusCodeOf(error) !== 409 || attempt >= MAX_CONFLICTS) throw error;
      }
    }
  }
}
