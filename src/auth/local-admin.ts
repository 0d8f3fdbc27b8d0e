/**
 * Local mode (`npm start` on the embedded cluster) writes one token to `.local/token`; the
 * dispatcher accepts it with every scope under the name `local-admin`, so the quick start
 * needs no credentials file. Never used when a real cluster is configured.
 */
import type { CredentialEntry } from './credential-store.ts';
import { SCOPES } from './scopes.ts';

export const LOCAL_ADMIN_NAME = 'local-admin';

export function localAdminCredential(token: string): CredentialEntry {
  return { kind: 'bearer', secret: token, name: LOCAL_ADMIN_NAME, scopes: SCOPES };
}
