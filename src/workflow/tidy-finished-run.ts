/**
 * A finished run plans no work, only tidying: attempts the caches still show running are
 * deleted (a cancel or timeout that was not yet observed), and the workspace goes. Repeating
 * this on every reconcile makes the clean-up converge whatever failed in between.
 */
import { workspaceClaimName } from './child-names.ts';
import type { Effect, ObservedChildren } from './plan-types.ts';

export function tidyFinishedRun(
  runName: string,
  observed: ObservedChildren,
  claimName: string | undefined,
): Effect[] {
  const effects: Effect[] = observed.attempts
    .filter((attempt) => attempt.phase === 'Running' || attempt.phase === 'Pending')
    .map(({ step, attempt, name }) => ({
      type: 'deleteAttempt',
      step,
      attempt,
      name,
      reason: 'RunFinished',
    }));
  if (observed.workspaceExists) {
    effects.push({ type: 'deleteWorkspace', claimName: claimName ?? workspaceClaimName(runName) });
  }
  return effects;
}
