/**
 * Token buckets per key (a caller name): `rate` requests per second on average, bursts up to
 * `burst`. The clock is injected so tests step time instead of sleeping. Buckets live in a
 * bounded LRU: a flood of distinct keys cannot grow memory, and a forgotten key simply starts
 * with a full bucket again (the limit is per replica, which is what protects it).
 */
import { LRUCache } from 'lru-cache';

export interface TokenBucketOptions {
  rate: number;
  burst: number;
  now?: () => number;
  maxKeys?: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterSeconds: number };

export class TokenBuckets {
  private readonly rate: number;
  private readonly burst: number;
  private readonly now: () => number;
  private readonly buckets: LRUCache<string, Bucket>;

  constructor(options: TokenBucketOptions) {
    this.rate = options.rate;
    this.burst = options.burst;
    this.now = options.now ?? Date.now;
    this.buckets = new LRUCache({ max: options.maxKeys ?? 10_000 });
  }

  /** Takes one token for `key`, or says how long until one is there. */
  take(key: string): TakeResult {
    const nowMs = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, updatedMs: nowMs };
    const elapsed = Math.max(0, nowMs - bucket.updatedMs) / 1000;
    bucket.tokens = Math.min(this.burst, bucket.tokens + elapsed * this.rate);
    bucket.updatedMs = nowMs;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return {
      ok: false,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.rate)),
    };
  }
}
