/** The context variables every route of the app can read (`c.get(...)` / `c.var`). */
import type { RequestIdVariables } from 'hono/request-id';
import type { Caller } from '../src/auth/scopes.ts';
import type { Logger } from '../src/observability/logger.ts';

export interface AppVariables extends RequestIdVariables {
  /** Set by `requireScope` once the request is authenticated and authorized. */
  caller: Caller;
  /** The request's child logger: carries the request id (and the caller once known). */
  logger: Logger;
}

export interface AppEnv {
  Variables: AppVariables;
}
