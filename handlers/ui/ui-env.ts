/** The context of the web UI's routes: the app's variables plus the browser's session. */
import type { Caller } from '../../src/auth/scopes.ts';
import type { AppVariables } from '../app-env.ts';

export interface UiSessionState {
  /** The authenticated caller; absent before login (or for a revoked token). */
  caller?: Caller;
  /** The session's CSRF binding; absent before login. */
  nonce?: string;
  /** The token forms carry in `_csrf`. */
  csrfToken: string;
}

export interface UiEnv {
  Variables: AppVariables & { ui: UiSessionState };
}
