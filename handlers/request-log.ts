/**
 * One pino line per request (request id, method, route, status, duration, the caller's name —
 * never a credential or a query string) and the HTTP duration metric. Mounted after
 * `requestId()`, before every route.
 */
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Caller } from '../src/auth/scopes.ts';
import type { Logger } from '../src/observability/logger.ts';
import type { AppEnv } from './app-env.ts';

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
    const requestLogger = logger.child({ requestId: c.var.requestId });
    c.set('logger', requestLogger);
    await next();
    const seconds = (performance.now() - started) / 1000;
    const status = c.res.status;
    // The last matched route is the handler's pattern, e.g. /api/v1/workflows/:namespace/:name.
    const route = routeOf(routePath(c, -1), status);
    // Unset on routes without authentication.
    const caller = c.get('caller') as Caller | undefined;
    observe?.({ route, method: c.req.method, code: String(status) }, seconds);
    const line = {
      method: c.req.method,
      path: c.req.path,
      route,
      status,
      durationMs: Math.round(seconds * 1e6) / 1000,
      ...(caller ? { caller: caller.name } : {}),
    };
    if (status >= 500) requestLogger.warn(line, 'request failed');
    else requestLogger.info(line, 'request');
  };
}
