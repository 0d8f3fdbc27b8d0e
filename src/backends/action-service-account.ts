/**
 * Which ServiceAccount a step's pod runs as. `per-action` (the default) gives every action
 * the account generated from its contract (manifests/actions/: exactly the RBAC rules the
 * contract declares), so a compromised or buggy action can do only what its own contract
 * says. Any other value is one shared account for every action.
 */
import { actionServiceAccountName } from '../actions/rbac/render-action-rbac.ts';

export const PER_ACTION_SERVICE_ACCOUNTS = 'per-action';

export function serviceAccountFor(setting: string, actionType: string): string {
  return setting === PER_ACTION_SERVICE_ACCOUNTS ? actionServiceAccountName(actionType) : setting;
}
