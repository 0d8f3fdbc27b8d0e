/**
 * Authentication and authorization for one route: `requireScope({ credentials, scope })`.
 * No or unknown credentials → 401 with a WWW-Authenticate challenge (bearer and basic, as
 * Alertmanager's http_config can send either); a known caller without the scope → 403. On
 * success the caller `{ name, scopes }` is in `c.var.caller`. The secret is never logged.
 */
import type { MiddlewareHandler } from 'hono';
import type { CredentialStore } from '../src/auth/credential-store.ts';
import { parseAuthorization } from '../src/auth/parse-authorization.ts';
import { hasScope, type Scope } from '../src/auth/scopes.ts';
import type { AppEnv } from './app-env.ts';
import { HttpError } from './http-error.ts';

export const AUTH_CHALLENGE = 'Bearer realm="kubernaut", Basic realm="kubernaut", charset="UTF-8"';

export interface RequireScopeOptions {
  credentials: Pick<CredentialStore, 'authenticate'>;
  scope: Scope;
}

function unauthorized(message: string): HttpError {
  return new HttpError({
    status: 401,
    code: 'Unauthorized',
    message,
    headers: { 'WWW-Authenticate': AUTH_CHALLENGE },
  });
}

export function requireScope(options: RequireScopeOptions): MiddlewareHandler<AppEnv> {
  const { credentials, scope } = options;
  return async function requireScope(c, next) {
    const header = c.req.header('Authorization');
    if (header === undefined) throw unauthorized('credentials required: Authorization header');
    const presented = parseAuthorization(header);
    if (!presented) {
      throw unauthorized('Authorization header is not "Bearer <token>" or "Basic <base64>"');
    }
    const caller = credentials.authenticate(presented);
    if (!caller) throw unauthorized('unknown or revoked credentials');
    c.set('caller', caller);
    if (!hasScope(caller, scope)) throw missingScope(caller.name, scope);
    await next();
  };
}

/** The 403 of a known caller without the scope (the API and the web UI answer alike). */
export function missingScope(callerName: string, scope: Scope): HttpError {
  return new HttpError({
    status: 403,
    code: 'Forbidden',
    message: `${callerName} lacks the "${scope}" scope`,
  });
}
