import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  budgetCountsPod,
  budgetGuardsPod,
  canIgnoreBudgets,
  computeBudgetStatus,
  decideEviction,
  DISRUPTED_POD_TIMEOUT_MS,
  EVICTION_REFUSED,
  type ScaleOf,
} from '../../../wrangler-free-local/apiserver/disruption-budget.ts';
import type { StoredObject } from '../../../wrangler-free-local/apiserver/object-store.ts';
import { StatusError } from '../../../wrangler-free-local/apiserver/status-error.ts';

const NOW = Date.parse('2026-01-01T00:10:00Z');
const RS = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  name: 'web-1',
  uid: 'rs-1',
  controller: true,
};

function pod(
  name: string,
  options: {
    ready?: boolean;
    labels?: Record<string, string>;
    owner?: boolean;
    terminating?: boolean;
    phase?: string;
  } = {},
): StoredObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      resourceVersion: '1',
      creationTimestamp: '2026-01-01T00:00:00Z',
      labels: options.labels ?? { app: 'web' },
      ...(options.owner === false ? {} : { ownerReferences: [RS] }),
      ...(options.terminating === true ? { deletionTimestamp: '2026-01-01T00:09:00Z' } : {}),
    },
    status: {
      phase: options.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True' }],
    },
  };
}

function budget(
  spec: Record<string, unknown>,
  status: Record<string, unknown> = {},
  generation = 1,
): StoredObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: 'pdb',
      resourceVersion: '1',
      generation,
      creationTimestamp: '2026-01-01T00:00:00Z',
    },
    spec: { selector: { matchLabels: { app: 'web' } }, ...spec },
    status,
  };
}

const scaleOf =
  (replicas: number | undefined): ScaleOf =>
  () =>
    replicas;

describe('PodDisruptionBudget status (the disruption controller)', () => {
  const three = [pod('a'), pod('b'), pod('c')];
  const cases: {
    name: string;
    spec: Record<string, unknown>;
    pods: StoredObject[];
    replicas?: number;
    want: {
      currentHealthy: number;
      desiredHealthy: number;
      expectedPods: number;
      disruptionsAllowed: number;
    };
  }[] = [
    {
      name: 'minAvailable 2 of 3 ready pods allows one',
      spec: { minAvailable: 2 },
      pods: three,
      want: { currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, disruptionsAllowed: 1 },
    },
    {
      name: 'minAvailable 3 of 3 allows none',
      spec: { minAvailable: 3 },
      pods: three,
      want: { currentHealthy: 3, desiredHealthy: 3, expectedPods: 3, disruptionsAllowed: 0 },
    },
    {
      name: 'unready and terminating pods are not healthy',
      spec: { minAvailable: 1 },
      pods: [pod('a'), pod('b', { ready: false }), pod('c', { terminating: true })],
      want: { currentHealthy: 1, desiredHealthy: 1, expectedPods: 3, disruptionsAllowed: 0 },
    },
    {
      name: 'minAvailable 50% scales against the controller, rounded up',
      spec: { minAvailable: '50%' },
      pods: three,
      replicas: 5,
      want: { currentHealthy: 3, desiredHealthy: 3, expectedPods: 5, disruptionsAllowed: 0 },
    },
    {
      name: 'maxUnavailable 1 against 3 replicas',
      spec: { maxUnavailable: 1 },
      pods: three,
      replicas: 3,
      want: { currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, disruptionsAllowed: 1 },
    },
    {
      name: 'maxUnavailable 0 blocks every eviction',
      spec: { maxUnavailable: 0 },
      pods: three,
      replicas: 3,
      want: { currentHealthy: 3, desiredHealthy: 3, expectedPods: 3, disruptionsAllowed: 0 },
    },
    {
      name: 'pods the selector does not match do not count',
      spec: { minAvailable: 1 },
      pods: [pod('a'), pod('b', { labels: { app: 'db' } })],
      want: { currentHealthy: 1, desiredHealthy: 1, expectedPods: 1, disruptionsAllowed: 0 },
    },
    {
      name: 'no pods: nothing expected, nothing allowed',
      spec: { minAvailable: 0 },
      pods: [],
      want: { currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, disruptionsAllowed: 0 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const status = computeBudgetStatus(budget(c.spec), c.pods, scaleOf(c.replicas), NOW);
      const { currentHealthy, desiredHealthy, expectedPods, disruptionsAllowed } = status;
      assert.deepEqual(
        { currentHealthy, desiredHealthy, expectedPods, disruptionsAllowed },
        c.want,
      );
      assert.equal(status.observedGeneration, 1);
      assert.deepEqual(
        status.conditions.map((x) => [x['type'], x['status'], x['reason']]),
        [
          [
            'DisruptionAllowed',
            c.want.disruptionsAllowed > 0 ? 'True' : 'False',
            c.want.disruptionsAllowed > 0 ? 'SufficientPods' : 'InsufficientPods',
          ],
        ],
      );
    });
  }

  it('fails safe (no disruptions, SyncFailed) when a controller has no scale', () => {
    const status = computeBudgetStatus(
      budget({ maxUnavailable: 1 }),
      [pod('a')],
      scaleOf(undefined),
      NOW,
    );
    assert.equal(status.disruptionsAllowed, 0);
    assert.equal(status.conditions[0]?.['reason'], 'SyncFailed');
    assert.match(String(status.conditions[0]?.['message']), /found no controllers for pod "a"/);
  });

  it('keeps a recently evicted pod out of the healthy count until it goes or times out', () => {
    const recent = new Date(NOW - 1000).toISOString();
    const old = new Date(NOW - DISRUPTED_POD_TIMEOUT_MS - 1000).toISOString();
    const status = computeBudgetStatus(
      budget({ minAvailable: 1 }, { disruptedPods: { a: recent, b: old, gone: recent } }),
      [pod('a'), pod('b'), pod('c')],
      scaleOf(3),
      NOW,
    );
    assert.deepEqual(status.disruptedPods, { a: recent });
    assert.equal(status.currentHealthy, 2);
    assert.equal(status.disruptionsAllowed, 1);
  });

  it('keeps lastTransitionTime while the condition holds', () => {
    const first = computeBudgetStatus(
      budget({ minAvailable: 1 }),
      [pod('a'), pod('b')],
      scaleOf(2),
      NOW,
    );
    const again = computeBudgetStatus(
      budget({ minAvailable: 1 }, { ...first }),
      [pod('a'), pod('b'), pod('c')],
      scaleOf(3),
      NOW + 60_000,
    );
    assert.equal(
      again.conditions[0]?.['lastTransitionTime'],
      first.conditions[0]?.['lastTransitionTime'],
    );
  });

  it('selects like the controller ({} is everything) and like the eviction handler ({} is nothing)', () => {
    const all = budget({ selector: {} });
    const none = budget({ selector: undefined });
    assert.equal(budgetCountsPod(all, pod('a')), true);
    assert.equal(budgetGuardsPod(all, pod('a')), false);
    assert.equal(budgetCountsPod(none, pod('a')), false);
    assert.equal(budgetGuardsPod(budget({}), pod('a')), true);
    assert.equal(budgetGuardsPod(budget({}), pod('a', { labels: { app: 'db' } })), false);
  });
});

describe('eviction decisions (the pods/eviction handler)', () => {
  function refusal(fn: () => unknown): StatusError {
    try {
      fn();
    } catch (error) {
      assert.ok(error instanceof StatusError);
      return error;
    }
    assert.fail('expected a refusal');
  }

  it('deletes at once without a budget', () => {
    assert.deepEqual(decideEviction(pod('a'), undefined, NOW), { kind: 'delete' });
  });

  it('takes one disruption and records the pod', () => {
    const decision = decideEviction(
      pod('a'),
      budget(
        { minAvailable: 1 },
        {
          observedGeneration: 1,
          disruptionsAllowed: 1,
          currentHealthy: 2,
          desiredHealthy: 1,
          expectedPods: 2,
        },
      ),
      NOW,
    );
    assert.equal(decision.kind, 'decrement');
    if (decision.kind !== 'decrement') return;
    assert.equal(decision.status.disruptionsAllowed, 0);
    assert.deepEqual(decision.status.disruptedPods, { a: '2026-01-01T00:10:00Z' });
    assert.equal(decision.status.conditions[0]?.['reason'], 'InsufficientPods');
  });

  it('refuses with 429 and the budget named when none is allowed', () => {
    const err = refusal(() =>
      decideEviction(
        pod('a'),
        budget(
          { minAvailable: 2 },
          { observedGeneration: 1, disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2 },
        ),
        NOW,
      ),
    );
    assert.equal(err.code, 429);
    assert.equal(err.reason, 'TooManyRequests');
    assert.equal(err.message, EVICTION_REFUSED);
    assert.deepEqual(err.details, {
      causes: [
        {
          reason: 'DisruptionBudget',
          message: 'The disruption budget web needs 2 healthy pods and has 2 currently',
        },
      ],
    });
  });

  it('refuses with a 10 s retry while the budget is not processed yet', () => {
    const err = refusal(() =>
      decideEviction(
        pod('a'),
        budget({ minAvailable: 1 }, { observedGeneration: 1, disruptionsAllowed: 3 }, 2),
        NOW,
      ),
    );
    assert.equal(err.code, 429);
    assert.equal(err.details?.retryAfterSeconds, 10);
    assert.match(err.details?.causes?.[0]?.message ?? '', /still being processed/);
  });

  it('forbids when the budget is negative', () => {
    assert.equal(
      refusal(() =>
        decideEviction(
          pod('a'),
          budget({}, { observedGeneration: 1, disruptionsAllowed: -1 }),
          NOW,
        ),
      ).code,
      403,
    );
  });

  it('evicts an unready pod for free when the budget is met, or under AlwaysAllow', () => {
    const met = budget(
      { minAvailable: 1 },
      { observedGeneration: 1, disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1 },
    );
    assert.deepEqual(decideEviction(pod('b', { ready: false }), met, NOW), { kind: 'delete' });
    const short = budget(
      { minAvailable: 2 },
      { observedGeneration: 1, disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 2 },
    );
    assert.equal(refusal(() => decideEviction(pod('b', { ready: false }), short, NOW)).code, 429);
    const always = budget(
      { minAvailable: 2, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
      { observedGeneration: 1, disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 2 },
    );
    assert.deepEqual(decideEviction(pod('b', { ready: false }), always, NOW), { kind: 'delete' });
  });

  it('ignores budgets for terminal, pending and terminating pods', () => {
    assert.equal(canIgnoreBudgets(pod('a', { phase: 'Succeeded' })), true);
    assert.equal(canIgnoreBudgets(pod('a', { phase: 'Failed' })), true);
    assert.equal(canIgnoreBudgets(pod('a', { phase: 'Pending' })), true);
    assert.equal(canIgnoreBudgets(pod('a', { terminating: true })), true);
    assert.equal(canIgnoreBudgets(pod('a')), false);
  });
});
