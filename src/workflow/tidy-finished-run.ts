/**
 * A finished run plans no work, only tidying: attempts the caches still show running are
 * deleted (a cancel or timeout that was not yet observed), and the workspace goes. Repeating
 * this on every reconcile makes the clean-up converge whatever failed in between.
 *
 * An attempt the run itself recorded as succeeded is never deleted: it has ended, and a cache
 * that still shows it running is only behind (a replica that just took the run over). Deleting
 * it lost the attempt and its Job, and an action reconcile racing the delete could create an
 * orphan Job (found by the chaos test).
 */
import type { StepStatus } from '../api/workflow-execution.ts';
import { workspaceClaimName } from './child-names.ts';
import type { Effect, ObservedChildren } from './plan-types.ts';

export function tidyFinishedRun(
  runName: string,
  observed: ObservedChildren,
  claimName: string | undefined,
  steps: readonly StepStatus[],
): Effect[] {
  const succeeded = new Set(
    steps
      .filter((step) => step.phase === 'Succeeded')
      .map((step) => `${step.name}/${String(step.attempt)}`),
  );
  const effects: Effect[] = observed.attempts
    .filter((attempt) => attempt.phase === 'Running' || attempt.phase === 'Pending')
    .filter((attempt) => !succeeded.has(`${attempt.step}/${String(attempt.attempt)}`))
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
