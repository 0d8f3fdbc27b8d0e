/**
 * One pino line per request (request id, method, route, status, duration, the caller's name —
 * never a credential or a query string) and the HTTP duration metric. Mounted after
 * `requestId()`, before every route.
 *
 * Like kube-apiserver's httplog, the line's level says whether anyone needs it: failures (5xx)
 * are warnings, refusals (4xx) and slow answers are info, and fast successes are debug — a
 * storm of repeated notifications must not become a storm of log lines (ADR 0024). The
 * duration histogram counts every request whatever the level.
 */
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Caller } from '../src/auth/scopes.ts';
import type { Logger } from '../src/observability/logger.ts';
import type { AppEnv } from './app-env.ts';

/** A successful request slower than this is logged at info. */
export const SLOW_REQUEST_MS = 1_000;

export interface RequestLogOptions {
  logger: Logger;
  /** Records one request's duration, e.g. into a Prometheus histogram. */
  observe?: (labels: { route: string; method: string; code: string }, seconds: number) => void;
}

/** The matched route pattern keeps metric labels bounded; unmatched paths share one label. */
function routeOf(matched: string, status: number): string {
  return status === 404 && matched === '*' ? 'unmatched' : matched;
}

export function logRequests(options: RequestLogOptions): MiddlewareHandler<AppEnv> {
  const { logger, observe } = options;
  return async function logRequests(c, next) {
    const started = performance.now();
    const requestLogger = logger.child({ requestId: c.get('requestId') });
    c.set('logger', requestLogger);
    await next();
    const durationMs = performance.now() - started;
    const status = c.res.status;
    // The last matched route is the handler's pattern, e.g. /api/v1/workflows/:namespace/:name.
    const route = routeOf(routePath(c, -1), status);
    observe?.({ route, method: c.req.method, code: String(status) }, durationMs / 1000);
    const level = levelOf(status, durationMs);
    if (!requestLogger.isLevelEnabled(level)) return;
    // Unset on routes without authentication.
    const caller = c.get('caller') as Caller | undefined;
    const line = {
      method: c.req.method,
      path: c.req.path,
      route,
      status,
      durationMs: Math.round(durationMs * 1000) / 1000,
      ...(caller ? { caller: caller.name } : {}),
    };
    requestLogger[level](line, status >= 500 ? 'request failed' : 'request');
  };
}

function levelOf(status: number, durationMs: number): 'warn' | 'info' | 'debug' {
  if (status >= 500) return 'warn';
  return status >= 400 || durationMs >= SLOW_REQUEST_MS ? 'info' : 'debug';
}
