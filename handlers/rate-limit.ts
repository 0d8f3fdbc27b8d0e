/**
 * Per-caller rate limit, after authentication (the key is the credential's name, so one noisy
 * client cannot starve the others). The on-demand API answers 429 with Retry-After; the
 * Alertmanager webhook passes `status: 503`, because Alertmanager drops a notification for
 * good on any 4xx but retries a 5xx.
 */
import type { MiddlewareHandler } from 'hono';
import { TokenBuckets } from '../src/ratelimit/token-buckets.ts';
import type { AppEnv } from './app-env.ts';
import { HttpError } from './http-error.ts';

export interface RateLimitOptions {
  /** Average requests per second per caller. */
  perSecond: number;
  /** Requests a caller may make at once after a quiet time. */
  burst: number;
  status?: 429 | 503;
  /** Milliseconds clock, for tests. */
  now?: () => number;
}

export function rateLimitPerCaller(options: RateLimitOptions): MiddlewareHandler<AppEnv> {
  const { status = 429 } = options;
  const buckets = new TokenBuckets({
    rate: options.perSecond,
    burst: options.burst,
    ...(options.now ? { now: options.now } : {}),
  });
  return async function rateLimitPerCaller(c, next) {
    const result = buckets.take(c.var.caller.name);
    if (!result.ok) {
      throw new HttpError({
        status,
        code: status === 429 ? 'RateLimited' : 'Unavailable',
        message: `too many requests from ${c.var.caller.name}: retry in ${String(result.retryAfterSeconds)} s`,
        headers: { 'Retry-After': String(result.retryAfterSeconds) },
      });
    }
    await next();
  };
}
