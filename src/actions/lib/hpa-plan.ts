/**
 * New HPA bounds (pure): min and max as given, or max raised by an increment, never above
 * the ceiling, min never above max, and at least one change asked for.
 */
import { ActionError, invalidInput } from '../runtime/action-error.ts';

export interface HpaInputs {
  minReplicas?: number;
  maxReplicas?: number;
  maxReplicasIncrease?: number;
  ceiling: number;
}

export interface HpaPlan {
  minReplicas: number;
  maxReplicas: number;
  capped: boolean;
}

export function planHpaBounds(current: { min: number; max: number }, inputs: HpaInputs): HpaPlan {
  const { minReplicas, maxReplicas, maxReplicasIncrease, ceiling } = inputs;
  if (maxReplicas !== undefined && maxReplicasIncrease !== undefined) {
    throw invalidInput(
      'maxReplicasIncrease',
      'give either maxReplicas or maxReplicasIncrease, not both',
    );
  }
  if (minReplicas === undefined && maxReplicas === undefined && maxReplicasIncrease === undefined) {
    throw invalidInput(
      'maxReplicas',
      'nothing to change: give minReplicas, maxReplicas or maxReplicasIncrease',
    );
  }
  if (minReplicas !== undefined && minReplicas < 1)
    throw invalidInput('minReplicas', `must be 1 or more, got ${minReplicas}`);
  if (maxReplicasIncrease !== undefined && maxReplicasIncrease < 1) {
    throw invalidInput('maxReplicasIncrease', `must be 1 or more, got ${maxReplicasIncrease}`);
  }
  const wantedMax = maxReplicas ?? current.max + (maxReplicasIncrease ?? 0);
  const max = Math.min(wantedMax, Math.max(ceiling, current.max));
  const min = minReplicas ?? current.min;
  if (min > max) throw invalidInput('minReplicas', `${min} is above maxReplicas ${max}`);
  if (maxReplicasIncrease !== undefined && max <= current.max) {
    throw new ActionError(
      'Refused',
      `maxReplicas is ${current.max} already; the ceiling ${ceiling} leaves no room to raise it`,
    );
  }
  return { minReplicas: min, maxReplicas: max, capped: wantedMax > max };
}
