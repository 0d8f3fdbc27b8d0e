/**
 * Names of on-demand runs. With an `Idempotency-Key` the name is derived from the caller and
 * the key, so a retried request maps to the same name and its create answers AlreadyExists:
 * the API server, not this replica's memory, makes "at most once" hold across retries and
 * replicas. Without a key the suffix is random. The caller is part of the hash so two callers
 * cannot collide, or probe each other's runs, by choosing the same key.
 */
import { createHash, randomBytes } from 'node:crypto';
import { DNS1123_LABEL_MAX } from '../api/primitives.ts';

const SUFFIX_LENGTH = 12;

export function onDemandRunName(
  prefix: string,
  caller: string,
  idempotencyKey: string | undefined,
): string {
  const suffix =
    idempotencyKey === undefined
      ? randomBytes(SUFFIX_LENGTH / 2).toString('hex')
      : createHash('sha256')
          .update(`${caller}\n${idempotencyKey}`)
          .digest('hex')
          .slice(0, SUFFIX_LENGTH);
  // A DNS label, not just a subdomain: child names (`<run>-<step>-<attempt>`) build on it.
  const room = DNS1123_LABEL_MAX - SUFFIX_LENGTH - 1;
  const clean = prefix
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, room)
    .replace(/^-+|-+$/g, '');
  return `${clean || 'run'}-${suffix}`;
}

/** What a replay must match: the same request body under the same key. */
export function requestDigest(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 32);
}
