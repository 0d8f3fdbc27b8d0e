/** Delay before the next attempt of a failed step: capped exponential backoff with jitter. */
import { parseDuration } from '../api/duration.ts';
import type { RetryPolicy } from '../api/workflow-step.ts';

export const DEFAULT_BACKOFF = { durationMs: 10_000, factor: 2, maxDurationMs: 300_000 };

/**
 * `attempt` is the attempt that just failed (1 for the first). "Equal jitter": half the
 * delay is fixed and half random, so retries of many runs spread out but never come early.
 */
export function retryDelayMs(
  policy: RetryPolicy | undefined,
  attempt: number,
  random: () => number,
): number {
  const backoff = policy?.backoff;
  const base = parseDuration(backoff?.duration ?? '') ?? DEFAULT_BACKOFF.durationMs;
  const factor = backoff?.factor ?? DEFAULT_BACKOFF.factor;
  const cap = parseDuration(backoff?.maxDuration ?? '') ?? DEFAULT_BACKOFF.maxDurationMs;
  const delay = Math.min(cap, base * factor ** Math.max(0, attempt - 1));
  return Math.round(delay / 2 + (delay / 2) * random());
}
