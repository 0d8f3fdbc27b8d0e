/** Content digests: computing them and checking what a registry sent against what was asked. */
import { createHash, type Hash } from 'node:crypto';
import { RegistryError } from './registry-error.ts';

export function sha256Digest(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** A hash for the algorithm of `digest` (sha256 or sha512). */
export function hasherFor(digest: string): Hash {
  return createHash(digest.startsWith('sha512:') ? 'sha512' : 'sha256');
}

export function digestWith(digest: string, bytes: Uint8Array): string {
  const algorithm = digest.startsWith('sha512:') ? 'sha512' : 'sha256';
  return `${algorithm}:${hasherFor(digest).update(bytes).digest('hex')}`;
}

/** Throws DIGEST_MISMATCH unless `actual` is `expected`: the registry sent other content. */
export function assertDigest(image: string, what: string, expected: string, actual: string): void {
  if (actual !== expected) {
    throw new RegistryError(
      'DIGEST_MISMATCH',
      image,
      `${what} content has digest ${actual}, not the ${expected} that was asked for: the registry sent other content`,
    );
  }
}
