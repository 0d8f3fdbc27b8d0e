/**
 * The `pod-template-hash` label: a short, stable hash of a pod template, in the alphabet the
 * Deployment controller uses (no vowels, so hashes never spell words).
 */
import { createHash } from 'node:crypto';
import type { V1PodTemplateSpec } from '@kubernetes/client-node';

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function podTemplateHash(template: V1PodTemplateSpec | undefined): string {
  const digest = createHash('sha256')
    .update(stableStringify(template ?? {}))
    .digest();
  let out = '';
  for (let index = 0; index < 10; index++)
    out += ALPHABET.charAt((digest[index] ?? 0) % ALPHABET.length);
  return out;
}

/** JSON with sorted keys, so equal templates hash equally whatever their key order. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableStringify(item)}`).join(',')}}`;
  }
  // JSON.stringify returns undefined for undefined and functions, which templates never hold.
  return JSON.stringify(value === undefined ? null : value);
}
