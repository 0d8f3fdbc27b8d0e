/**
 * The UI's session and CSRF middleware. `loadUiSession` opens the session cookie, authenticates
 * its token against the credential store on every request (a revoked token stops working at
 * once) and makes sure the browser has a CSRF cookie. `requireUiScope` sends a browser without
 * a session to the login page and answers 403 to a caller without the scope. `checkUiCsrf`
 * runs Hono's origin check, then compares the form's `_csrf` with the HMAC of the CSRF cookie
 * and the session: both must pass (defence in depth: one rule rejects cross-site requests,
 * the other anything that cannot read the page).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { randomBytes } from 'node:crypto';
import type { CredentialStore } from '../../src/auth/credential-store.ts';
import { hasScope, type Scope } from '../../src/auth/scopes.ts';
import type { SessionContents, SessionSealer } from '../../src/auth/session-seal.ts';
import { safeUiPath } from '../../src/ui/safe-link.ts';
import { HttpError } from '../http-error.ts';
import { missingScope } from '../require-scope.ts';
import type { UiEnv } from './ui-env.ts';

export const SESSION_COOKIE = 'kubernaut_ui_session';
export const CSRF_COOKIE = 'kubernaut_ui_csrf';
export const CSRF_FIELD = '_csrf';
const COOKIE_PATH = '/ui';

export interface UiSessionOptions {
  credentials: Pick<CredentialStore, 'authenticate'>;
  sealer: SessionSealer;
  now: () => number;
}

/** Secure cookies over HTTPS, including TLS ended at a proxy that says so. */
function isHttps(c: Context): boolean {
  return (
    new URL(c.req.url).protocol === 'https:' ||
    c.req.header('X-Forwarded-Proto')?.split(',')[0]?.trim() === 'https'
  );
}

function cookieOptions(c: Context, maxAgeSeconds?: number) {
  return {
    path: COOKIE_PATH,
    httpOnly: true,
    secure: isHttps(c),
    sameSite: 'Strict' as const,
    ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds }),
  };
}

export function loadUiSession(options: UiSessionOptions): MiddlewareHandler<UiEnv> {
  const { credentials, sealer, now } = options;
  return async function loadUiSession(c, next) {
    let csrfCookie = getCookie(c, CSRF_COOKIE);
    if (csrfCookie === undefined || !/^[A-Za-z0-9_-]{22,64}$/.test(csrfCookie)) {
      csrfCookie = randomBytes(24).toString('base64url');
      setCookie(c, CSRF_COOKIE, csrfCookie, cookieOptions(c));
    }
    const sealed = getCookie(c, SESSION_COOKIE);
    const session = sealed === undefined ? undefined : sealer.open(sealed, now());
    const caller = session
      ? credentials.authenticate({ kind: 'bearer', token: session.token })
      : undefined;
    const nonce = caller ? session?.nonce : undefined;
    c.set('ui', {
      ...(caller ? { caller } : {}),
      ...(nonce ? { nonce } : {}),
      csrfToken: sealer.csrfToken(csrfCookie, nonce),
    });
    if (caller) c.set('logger', c.var.logger.child({ caller: caller.name }));
    await next();
  };
}

/** Starts a session for a token that authenticated: the cookie, and a fresh CSRF binding. */
export function startUiSession(
  c: Context<UiEnv>,
  sealer: SessionSealer,
  session: SessionContents,
  maxAgeSeconds: number,
): void {
  setCookie(c, SESSION_COOKIE, sealer.seal(session), cookieOptions(c, maxAgeSeconds));
}

export function endUiSession(c: Context<UiEnv>): void {
  deleteCookie(c, SESSION_COOKIE, cookieOptions(c));
}

export function requireUiScope(scope: Scope): MiddlewareHandler<UiEnv> {
  return async function requireUiScope(c, next) {
    const { caller } = c.var.ui;
    if (!caller) {
      if (c.req.method === 'GET' || c.req.method === 'HEAD') {
        const url = new URL(c.req.url);
        const back = safeUiPath(`${url.pathname}${url.search}`);
        return c.redirect(`/ui/login?next=${encodeURIComponent(back)}`, 303);
      }
      throw new HttpError({
        status: 401,
        code: 'Unauthorized',
        message: 'log in first: the session is missing or has expired',
      });
    }
    if (!hasScope(caller, scope)) throw missingScope(caller.name, scope);
    await next();
    return undefined;
  };
}

/**
 * The origin check accepts the request's own host, also behind a TLS-ending proxy where the
 * dispatcher sees http:// but the browser says https:// (the Host header is the same).
 */
const checkOrigin = csrf({
  origin: (origin, c) => {
    try {
      return new URL(origin).host === c.req.header('Host');
    } catch {
      return false;
    }
  },
});

export function checkUiCsrf(sealer: SessionSealer): MiddlewareHandler<UiEnv> {
  return async function checkUiCsrf(c, next) {
    await checkOrigin(c, async () => {
      const form = await c.req.parseBody();
      const presented = form[CSRF_FIELD];
      const cookie = getCookie(c, CSRF_COOKIE);
      if (typeof presented !== 'string' || presented === '' || cookie === undefined) {
        throw new HttpError({
          status: 403,
          code: 'CsrfTokenMissing',
          message: 'the form carried no CSRF token: reload the page and try again',
        });
      }
      if (!sealer.verifyCsrf(presented, cookie, c.var.ui.nonce)) {
        throw new HttpError({
          status: 403,
          code: 'CsrfTokenInvalid',
          message: 'the CSRF token does not match this session: reload the page and try again',
        });
      }
      await next();
    });
  };
}
