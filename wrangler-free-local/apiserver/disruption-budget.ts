// PodDisruptionBudget arithmetic, pure: which pods a budget selects, the status the
// disruption controller of kube-controller-manager computes (pkg/controller/disruption),
// and the eviction decision of the pods/eviction REST handler
// (pkg/registry/core/pod/storage/eviction.go).

import type { OwnerReference, StoredObject } from './object-store.ts';
import { convertLabelSelector, matchLabels } from './selectors.ts';
import { newForbidden, StatusError } from './status-error.ts';

type Json = Record<string, unknown>;

/** A pod evicted but not yet gone stops counting as healthy for this long (DeletionTimeout). */
export const DISRUPTED_POD_TIMEOUT_MS = 2 * 60 * 1000;

export const EVICTION_REFUSED = "Cannot evict pod as it would violate the pod's disruption budget.";

export interface BudgetStatus {
  observedGeneration: number;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  disruptedPods?: Record<string, string>;
  conditions: Json[];
}

function asMap(v: unknown): Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
}

function specOf(pdb: StoredObject): Json {
  return asMap(pdb['spec']);
}

export function readBudgetStatus(pdb: StoredObject): BudgetStatus {
  const s = asMap(pdb['status']);
  const num = (k: string): number => (typeof s[k] === 'number' ? s[k] : 0);
  const disrupted = asMap(s['disruptedPods']) as Record<string, string>;
  return {
    observedGeneration: num('observedGeneration'),
    disruptionsAllowed: num('disruptionsAllowed'),
    currentHealthy: num('currentHealthy'),
    desiredHealthy: num('desiredHealthy'),
    expectedPods: num('expectedPods'),
    ...(Object.keys(disrupted).length > 0 ? { disruptedPods: disrupted } : {}),
    conditions: Array.isArray(s['conditions']) ? (s['conditions'] as Json[]) : [],
  };
}

/** The controller's view: `{}` selects every pod of the namespace, a missing selector none. */
export function budgetCountsPod(pdb: StoredObject, pod: StoredObject): boolean {
  const selector = specOf(pdb)['selector'];
  if (typeof selector !== 'object' || selector === null) return false;
  return matchLabels(convertLabelSelector(selector), pod.metadata.labels);
}

/** The eviction handler's view: a nil or empty selector matches nothing, not everything. */
export function budgetGuardsPod(pdb: StoredObject, pod: StoredObject): boolean {
  const requirements = convertLabelSelector(specOf(pdb)['selector']);
  return requirements.length > 0 && matchLabels(requirements, pod.metadata.labels);
}

export function isPodReady(pod: StoredObject): boolean {
  const conditions = asMap(pod['status'])['conditions'];
  return (
    Array.isArray(conditions) &&
    conditions.some((c) => asMap(c)['type'] === 'Ready' && asMap(c)['status'] === 'True')
  );
}

/** An int-or-string like 2 or "50%", scaled against `total` and rounded up. */
function scaleIntOrPercent(value: unknown, total: number): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const percent = /^(\d+)%$/.exec(value);
  if (percent === null) return /^\d+$/.test(value) ? Number(value) : undefined;
  return Math.ceil((Number(percent[1]) * total) / 100);
}

/** Replicas a controller of the budget's pods wants; undefined when it cannot be known. */
export type ScaleOf = (controller: OwnerReference, namespace: string) => number | undefined;

function expectedScale(pods: StoredObject[], scaleOf: ScaleOf): number | string {
  const seen = new Map<string, number>();
  for (const pod of pods) {
    const ref = (pod.metadata.ownerReferences ?? []).find((r) => r.controller === true);
    // Pods without a controller are unmanaged: counted as pods, not as expected scale.
    if (ref === undefined || seen.has(ref.uid)) continue;
    const scale = scaleOf(ref, pod.metadata.namespace ?? '');
    if (scale === undefined)
      return `found no controllers for pod "${pod.metadata.name}": ${ref.kind} ${ref.name} has no scale`;
    seen.set(ref.uid, scale);
  }
  return [...seen.values()].reduce((a, b) => a + b, 0);
}

function expectedAndDesired(
  pdb: StoredObject,
  pods: StoredObject[],
  scaleOf: ScaleOf,
): { expected: number; desired: number } | string {
  const spec = specOf(pdb);
  const { maxUnavailable, minAvailable } = spec;
  if (maxUnavailable !== undefined && maxUnavailable !== null) {
    const expected = expectedScale(pods, scaleOf);
    if (typeof expected === 'string') return expected;
    const max = scaleIntOrPercent(maxUnavailable, expected) ?? 0;
    return { expected, desired: Math.max(0, expected - max) };
  }
  if (typeof minAvailable === 'number') return { expected: pods.length, desired: minAvailable };
  if (typeof minAvailable === 'string') {
    const expected = expectedScale(pods, scaleOf);
    if (typeof expected === 'string') return expected;
    return { expected, desired: scaleIntOrPercent(minAvailable, expected) ?? 0 };
  }
  return { expected: 0, desired: 0 };
}

function withCondition(
  previous: Json[],
  allowed: boolean,
  generation: number,
  nowIso: string,
  failure?: string,
): Json[] {
  const reason =
    failure !== undefined ? 'SyncFailed' : allowed ? 'SufficientPods' : 'InsufficientPods';
  const status = allowed ? 'True' : 'False';
  const old = previous.find((c) => c['type'] === 'DisruptionAllowed');
  return [
    {
      type: 'DisruptionAllowed',
      status,
      observedGeneration: generation,
      lastTransitionTime:
        old?.['status'] === status && typeof old['lastTransitionTime'] === 'string'
          ? old['lastTransitionTime']
          : nowIso,
      reason,
      message: failure ?? '',
    },
  ];
}

/** The status the disruption controller writes for `pdb`, given every pod of its namespace. */
export function computeBudgetStatus(
  pdb: StoredObject,
  namespacePods: StoredObject[],
  scaleOf: ScaleOf,
  now: number,
): BudgetStatus {
  const nowIso = new Date(now).toISOString().replace(/\.\d+Z$/, 'Z');
  const previous = readBudgetStatus(pdb);
  const generation = pdb.metadata.generation ?? 1;
  const pods = namespacePods.filter((p) => budgetCountsPod(pdb, p));
  // Evictions the handler approved stay "disrupted" until their pod goes or times out.
  const disrupted: Record<string, string> = {};
  for (const [name, at] of Object.entries(previous.disruptedPods ?? {})) {
    const pod = pods.find((p) => p.metadata.name === name);
    if (pod === undefined || pod.metadata.deletionTimestamp !== undefined) continue;
    if (Date.parse(at) + DISRUPTED_POD_TIMEOUT_MS > now) disrupted[name] = at;
  }
  const counts = expectedAndDesired(pdb, pods, scaleOf);
  const healthy = pods.filter(
    (p) =>
      p.metadata.deletionTimestamp === undefined &&
      disrupted[p.metadata.name] === undefined &&
      isPodReady(p),
  ).length;
  const base = {
    observedGeneration: generation,
    currentHealthy: healthy,
    ...(Object.keys(disrupted).length > 0 ? { disruptedPods: disrupted } : {}),
  };
  if (typeof counts === 'string') {
    // failSafe: a budget the controller cannot compute allows no disruption.
    return {
      ...base,
      disruptionsAllowed: 0,
      desiredHealthy: previous.desiredHealthy,
      expectedPods: previous.expectedPods,
      conditions: withCondition(previous.conditions, false, generation, nowIso, counts),
    };
  }
  const allowed = counts.expected <= 0 ? 0 : Math.max(0, healthy - counts.desired);
  return {
    ...base,
    disruptionsAllowed: allowed,
    desiredHealthy: counts.desired,
    expectedPods: counts.expected,
    conditions: withCondition(previous.conditions, allowed > 0, generation, nowIso),
  };
}

function refusal(retryAfterSeconds: number, cause: string): StatusError {
  return new StatusError(429, 'TooManyRequests', EVICTION_REFUSED, {
    causes: [{ reason: 'DisruptionBudget', message: cause }],
    ...(retryAfterSeconds > 0 ? { retryAfterSeconds } : {}),
  });
}

export type EvictionDecision =
  { kind: 'delete' } | { kind: 'decrement'; budget: StoredObject; status: BudgetStatus };

/**
 * What evicting `pod` does under the budget that guards it (`budget`, at most one): delete at
 * once, or take one disruption from the budget first. Throws the API server's refusals.
 */
export function decideEviction(
  pod: StoredObject,
  budget: StoredObject | undefined,
  now: number,
): EvictionDecision {
  if (budget === undefined) return { kind: 'delete' };
  const status = readBudgetStatus(budget);
  const name = budget.metadata.name;
  const policy = specOf(budget)['unhealthyPodEvictionPolicy'];
  if (!isPodReady(pod)) {
    // An unready pod is not counted healthy: evicting it costs the budget nothing.
    if (policy === 'AlwaysAllow') return { kind: 'delete' };
    if (status.currentHealthy >= status.desiredHealthy && status.desiredHealthy > 0)
      return { kind: 'delete' };
  }
  if (status.observedGeneration < (budget.metadata.generation ?? 1))
    throw refusal(10, `The disruption budget ${name} is still being processed by the server.`);
  if (status.disruptionsAllowed < 0)
    throw newForbidden(
      { group: 'policy', resource: 'poddisruptionbudget' },
      name,
      'pdb disruptions allowed is negative',
    );
  if (status.disruptionsAllowed === 0)
    throw refusal(
      0,
      `The disruption budget ${name} needs ${status.desiredHealthy} healthy pods and has ${status.currentHealthy} currently`,
    );
  const allowed = status.disruptionsAllowed - 1;
  const nowIso = new Date(now).toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    kind: 'decrement',
    budget,
    status: {
      ...status,
      disruptionsAllowed: allowed,
      disruptedPods: { ...status.disruptedPods, [pod.metadata.name]: nowIso },
      conditions:
        allowed === 0
          ? withCondition(status.conditions, false, status.observedGeneration, nowIso)
          : status.conditions,
    },
  };
}

/** Terminal, pending or terminating pods are deleted without asking any budget. */
export function canIgnoreBudgets(pod: StoredObject): boolean {
  const phase = asMap(pod['status'])['phase'];
  return (
    phase === 'Succeeded' ||
    phase === 'Failed' ||
    phase === 'Pending' ||
    pod.metadata.deletionTimestamp !== undefined
  );
}
