/**
 * Taint changes, pure, with `kubectl taint` semantics: a taint is identified by key and
 * effect; adding one that exists with another value replaces it only when overwriting is
 * allowed; removing by key takes every effect unless one is named. Both are idempotent.
 */
import type { V1Taint } from '@kubernetes/client-node';
import { ActionError } from '../../runtime/action-error.ts';

export interface TaintSpec {
  key: string;
  value?: string | undefined;
  effect: string;
}

export interface TaintPlan {
  taints: V1Taint[];
  changed: boolean;
}

export function planAddTaint(current: V1Taint[], taint: TaintSpec, overwrite: boolean): TaintPlan {
  const same = current.find((t) => t.key === taint.key && t.effect === taint.effect);
  const value = taint.value ?? '';
  if (same !== undefined && (same.value ?? '') === value)
    return { taints: current, changed: false };
  if (same !== undefined && !overwrite) {
    throw new ActionError(
      'Refused',
      `the node already has taint ${taint.key}=${same.value ?? ''}:${taint.effect} and overwrite is false`,
    );
  }
  const added: V1Taint = { key: taint.key, effect: taint.effect, ...(value ? { value } : {}) };
  return { taints: [...current.filter((t) => t !== same), added], changed: true };
}

export function planRemoveTaints(
  current: V1Taint[],
  key: string,
  effect: string | undefined,
): TaintPlan & { removed: number } {
  const keep = current.filter(
    (t) => t.key !== key || (effect !== undefined && t.effect !== effect),
  );
  const removed = current.length - keep.length;
  return { taints: keep, changed: removed > 0, removed };
}

/** "key=value:Effect", as kubectl prints taints. */
export function formatTaint(t: V1Taint): string {
  return `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`;
}
