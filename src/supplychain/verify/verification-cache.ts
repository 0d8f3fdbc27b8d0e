/**
 * Verified images by digest, for a while. A digest names fixed content, but a policy can
 * change and a key can be revoked, so entries expire (TTL) and the cache is bounded (LRU).
 * Only passes are kept: a failure is re-checked, since the image may be signed meanwhile.
 */
import { LRUCache } from 'lru-cache';
import type { ImageVerification } from './image-verification.ts';

export interface VerificationCacheOptions {
  ttlMs?: number;
  max?: number;
}

export class VerificationCache {
  private readonly entries: LRUCache<string, ImageVerification>;

  constructor(options: VerificationCacheOptions = {}) {
    this.entries = new LRUCache({ max: options.max ?? 1000, ttl: options.ttlMs ?? 5 * 60_000 });
  }

  get(key: string): ImageVerification | undefined {
    return this.entries.get(key);
  }

  remember(key: string, verification: ImageVerification): void {
    if (verification.verified) this.entries.set(key, verification);
  }

  get size(): number {
    return this.entries.size;
  }
}
