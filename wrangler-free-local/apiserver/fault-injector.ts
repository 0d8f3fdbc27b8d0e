// Fault injection for tests and benchmarks: added latency, a seeded rate of error answers
// per verb and resource, watch streams cut every N seconds, and a pause of the whole
// server. Configurable at start and at run time.

export interface FaultRule {
  /** get, list, watch, create, update, patch, delete, deletecollection; all when omitted. */
  verb?: string;
  /** Plural resource name (`pods`, `workflowexecutions`); all when omitted. */
  resource?: string;
  code: 409 | 429 | 500 | 503;
  /** Probability in [0, 1]. */
  rate: number;
}

export interface FaultConfig {
  latencyMs: number;
  errors: FaultRule[];
  /** Close every watch stream after this many seconds; 0 disables. */
  watchCutSeconds: number;
  seed: number;
}

export const NO_FAULTS: FaultConfig = { latencyMs: 0, errors: [], watchCutSeconds: 0, seed: 1 };

/** mulberry32: small, fast and deterministic for a seed. */
export function createSeededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private config: FaultConfig;
  private random: () => number;
  private pausedUntil: Promise<void> | undefined;
  private release: (() => void) | undefined;
  private readonly resumeListeners = new Set<() => void>();

  constructor(initial: Partial<FaultConfig> = {}) {
    this.config = { ...NO_FAULTS, ...initial };
    this.random = createSeededRandom(this.config.seed);
  }

  /** Merges `partial` into the current configuration; a new seed restarts the sequence. */
  configure(partial: Partial<FaultConfig>): void {
    this.config = { ...this.config, ...partial };
    if (partial.seed !== undefined) this.random = createSeededRandom(partial.seed);
  }

  reset(): void {
    this.config = { ...NO_FAULTS };
    this.random = createSeededRandom(NO_FAULTS.seed);
    this.resume();
  }

  current(): FaultConfig {
    return { ...this.config, errors: [...this.config.errors] };
  }

  /** Requests and watch deliveries wait until resume(). */
  pause(): void {
    if (this.pausedUntil !== undefined) return;
    this.pausedUntil = new Promise((resolve) => {
      this.release = resolve;
    });
  }

  resume(): void {
    this.release?.();
    this.pausedUntil = undefined;
    this.release = undefined;
    for (const l of this.resumeListeners) l();
  }

  isPaused(): boolean {
    return this.pausedUntil !== undefined;
  }

  onResume(listener: () => void): () => void {
    this.resumeListeners.add(listener);
    return () => this.resumeListeners.delete(listener);
  }

  /** Whether a request must first wait (pause or latency); lets the hot path stay sync. */
  needsDelay(): boolean {
    return this.pausedUntil !== undefined || this.config.latencyMs > 0;
  }

  async delay(): Promise<void> {
    while (this.pausedUntil !== undefined) await this.pausedUntil;
    const ms = this.config.latencyMs;
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** The HTTP code to fail this request with, or undefined. */
  pickError(verb: string, resource: string): number | undefined {
    for (const rule of this.config.errors) {
      if (rule.verb !== undefined && rule.verb !== verb) continue;
      if (rule.resource !== undefined && rule.resource !== resource) continue;
      if (this.random() < rule.rate) return rule.code;
    }
    return undefined;
  }

  watchCutMs(): number {
    return this.config.watchCutSeconds * 1000;
  }
}
