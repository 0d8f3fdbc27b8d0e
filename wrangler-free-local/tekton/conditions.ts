/** The `Succeeded` condition of Tekton runs (knative's ConditionSucceeded). */
import type { Condition, RunStatusCommon } from './types.ts';

export function succeededCondition(status: RunStatusCommon | undefined): Condition | undefined {
  return status?.conditions?.find((condition) => condition.type === 'Succeeded');
}

/** A run is done once its Succeeded condition is True or False. */
export function isDone(status: RunStatusCommon | undefined): boolean {
  const condition = succeededCondition(status);
  return condition?.status === 'True' || condition?.status === 'False';
}

/**
 * The Succeeded condition to write: the transition time only moves when status, reason or
 * message change, so a re-reconcile does not churn the object.
 */
export function succeeded(
  previous: RunStatusCommon | undefined,
  status: Condition['status'],
  reason: string,
  message: string,
  now: Date,
): Condition[] {
  const current = succeededCondition(previous);
  const same =
    current?.status === status && current.reason === reason && current.message === message;
  return [
    {
      type: 'Succeeded',
      status,
      reason,
      message,
      lastTransitionTime: same
        ? (current.lastTransitionTime ?? now.toISOString())
        : now.toISOString(),
    },
  ];
}
