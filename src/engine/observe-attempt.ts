/** What the planner needs to know of one ActionExecution (pure). */
import type { ActionExecution } from '../api/action-execution.ts';
import type { ObservedAttempt } from '../workflow/plan-types.ts';

export function observeAttempt(action: ActionExecution): ObservedAttempt {
  const status = action.status;
  const phase =
    status?.phase === 'Succeeded' || status?.phase === 'Failed'
      ? status.phase
      : status?.phase === undefined
        ? 'Pending'
        : 'Running';
  return {
    step: action.spec.step,
    attempt: action.spec.attempt,
    name: action.metadata.name ?? '',
    phase,
    ...(status?.startedAt ? { startedAt: status.startedAt } : {}),
    ...(status?.completedAt ? { completedAt: status.completedAt } : {}),
    ...(status?.outputs ? { outputs: status.outputs } : {}),
    ...(status?.reason ? { reason: status.reason } : {}),
    ...(status?.message ? { message: status.message } : {}),
  };
}
