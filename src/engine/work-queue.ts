/**
 * The work queue of a controller, in the manner of client-go's workqueue: a key is never
 * processed twice at once, repeated adds coalesce, a key added while it is processed runs
 * once more afterwards, failures retry with capped exponential backoff, and a reconcile can
 * ask to run again at a time. Global concurrency is capped by p-queue.
 */
import PQueue from 'p-queue';
import { realTimers, type Timers } from './timers.ts';

export interface ReconcileResult {
  /** Run this key again at this time (epoch ms) unless something adds it sooner. */
  requeueAtMs?: number;
}

export interface WorkQueueOptions {
  process: (key: string) => Promise<ReconcileResult | undefined>;
  concurrency: number;
  /** Delay after the first failure, doubled per consecutive failure up to maxBackoffMs. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  timers?: Timers;
  /** Told about every failed reconcile; the queue retries it either way. */
  onError?: (key: string, error: unknown, retryInMs: number) => void;
  /**
   * Collect keys but process none until start(): a controller must not reconcile before
   * all its caches are synced, or it acts on a partial view of the world.
   */
  paused?: boolean;
}

export class WorkQueue {
  private readonly queue: PQueue;
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly delayed = new Map<string, { atMs: number; handle: unknown }>();
  private readonly failures = new Map<string, number>();
  private readonly timers: Timers;
  private readonly options: WorkQueueOptions;
  private closed = false;

  constructor(options: WorkQueueOptions) {
    this.options = options;
    this.timers = options.timers ?? realTimers;
    this.queue = new PQueue({ concurrency: options.concurrency, autoStart: !options.paused });
  }

  /** Starts processing (for a queue created paused). */
  start(): void {
    this.queue.start();
  }

  /** Keys waiting to run now (not delayed, not running). */
  get depth(): number {
    return this.queued.size;
  }

  add(key: string): void {
    if (this.closed) return;
    this.cancelDelay(key);
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    void this.queue.add(() => this.run(key));
  }

  /** Adds the key at a time; an earlier pending time for the same key wins. */
  addAt(key: string, atMs: number): void {
    if (this.closed) return;
    const delay = atMs - this.timers.now();
    if (delay <= 0) {
      this.add(key);
      return;
    }
    const pending = this.delayed.get(key);
    if (pending && pending.atMs <= atMs) return;
    this.cancelDelay(key);
    const handle = this.timers.setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, delay);
    this.delayed.set(key, { atMs, handle });
  }

  /** Resolves when nothing is queued or running (delayed keys do not count). */
  async onIdle(): Promise<void> {
    await this.queue.onIdle();
  }

  /** Stops taking keys, drops delayed ones, and waits for running reconciles to finish. */
  async close(): Promise<void> {
    this.closed = true;
    for (const key of [...this.delayed.keys()]) this.cancelDelay(key);
    this.queue.clear();
    this.queued.clear();
    await this.queue.onIdle();
  }

  private async run(key: string): Promise<void> {
    this.queued.delete(key);
    this.processing.add(key);
    try {
      const result = await this.options.process(key);
      this.failures.delete(key);
      if (result?.requeueAtMs !== undefined) this.addAt(key, result.requeueAtMs);
    } catch (error) {
      const failures = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, failures);
      const base = this.options.baseBackoffMs ?? 50;
      const retryInMs = Math.min(this.options.maxBackoffMs ?? 30_000, base * 2 ** (failures - 1));
      this.options.onError?.(key, error, retryInMs);
      this.addAt(key, this.timers.now() + retryInMs);
    } finally {
      this.processing.delete(key);
      if (this.dirty.delete(key)) this.add(key);
    }
  }

  private cancelDelay(key: string): void {
    const pending = this.delayed.get(key);
    if (!pending) return;
    this.timers.clearTimeout(pending.handle);
    this.delayed.delete(key);
  }
}
