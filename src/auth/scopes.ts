/** What a caller may do. A token or basic-auth user carries one or more scopes. */
import { z } from 'zod';

export const SCOPES = ['read', 'run', 'approve', 'admin', 'alerts'] as const;
export const scopeSchema = z.enum(SCOPES);
export type Scope = z.infer<typeof scopeSchema>;

/** Who made a request: the credential's name (recorded in runs and logs) and its scopes. */
export interface Caller {
  name: string;
  scopes: readonly Scope[];
}

/** `admin` implies every other scope except `alerts`, which only Alertmanager's credential needs. */
export function hasScope(caller: Caller, scope: Scope): boolean {
  if (caller.scopes.includes(scope)) return true;
  return scope !== 'alerts' && caller.scopes.includes('admin');
}
