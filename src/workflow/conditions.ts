/** Setting Kubernetes conditions the way apimachinery's meta.SetStatusCondition does. */
import type { Condition } from '../api/primitives.ts';

export type ConditionInput = Omit<Condition, 'lastTransitionTime'>;

/**
 * Replaces or adds the condition of the same type. lastTransitionTime moves only when the
 * status flips, so watchers can tell a transition from a refreshed message.
 */
export function setCondition(
  conditions: readonly Condition[],
  next: ConditionInput,
  now: string,
): Condition[] {
  const existing = conditions.find((condition) => condition.type === next.type);
  const lastTransitionTime =
    existing && existing.status === next.status ? existing.lastTransitionTime : now;
  const updated: Condition = { ...next, lastTransitionTime };
  return existing
    ? conditions.map((condition) => (condition.type === next.type ? updated : condition))
    : [...conditions, updated];
}

export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((condition) => condition.type === type);
}
