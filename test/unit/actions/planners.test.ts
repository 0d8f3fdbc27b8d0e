import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Deployment, V1ReplicaSet } from '@kubernetes/client-node';
import { planHpaBounds } from '../../../src/actions/lib/hpa-plan.ts';
import { forbiddenPatchPaths } from '../../../src/actions/lib/patch-guard.ts';
import { planResize } from '../../../src/actions/lib/resize-plan.ts';
import { planRollback } from '../../../src/actions/lib/rollback-plan.ts';
import { rolloutStatus } from '../../../src/actions/lib/rollout-status.ts';
import { ActionError } from '../../../src/actions/runtime/action-error.ts';
import { formatBytes, formatCores, parseQuantity } from '../../../src/kube/quantity.ts';

const code = (expected: string) => (error: unknown) =>
  error instanceof ActionError && error.code === expected;

describe('quantities', () => {
  const cases: [string, number | undefined][] = [
    ['512Mi', 512 * 2 ** 20],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['250m', 0.25],
    ['2', 2],
    ['1e3', 1000],
    ['1k', 1000],
    ['lots', undefined],
    ['', undefined],
  ];
  for (const [text, value] of cases)
    it(`parses ${JSON.stringify(text)}`, () => assert.equal(parseQuantity(text), value));
  it('formats bytes as whole Gi or Mi rounded up, cores as whole or millicores', () => {
    assert.equal(formatBytes(3 * 2 ** 30), '3Gi');
    assert.equal(formatBytes(768 * 2 ** 20), '768Mi');
    assert.equal(formatBytes(100 * 2 ** 20 * 1.3), '130Mi');
    assert.equal(formatCores(0.75), '750m');
    assert.equal(formatCores(2), '2');
  });
});

describe('rolloutStatus (kubectl rollout status)', () => {
  const deployment = (generation: number, status: object, replicas = 2): V1Deployment => ({
    metadata: { name: 'web', generation },
    spec: { replicas, selector: {}, template: {} },
    status,
  });
  const cases: [string, V1Deployment, string, RegExp][] = [
    [
      'an unobserved generation',
      deployment(2, { observedGeneration: 1 }),
      'waiting',
      /spec update to be observed/,
    ],
    [
      'new replicas still coming',
      deployment(1, { observedGeneration: 1, updatedReplicas: 1, replicas: 2 }),
      'waiting',
      /1 out of 2 new replicas have been updated/,
    ],
    [
      'old replicas terminating',
      deployment(1, { observedGeneration: 1, updatedReplicas: 2, replicas: 3 }),
      'waiting',
      /1 old replicas are pending termination/,
    ],
    [
      'updated but not available',
      deployment(1, {
        observedGeneration: 1,
        updatedReplicas: 2,
        replicas: 2,
        availableReplicas: 1,
      }),
      'waiting',
      /1 of 2 updated replicas are available/,
    ],
    [
      'a passed progress deadline',
      deployment(1, {
        observedGeneration: 1,
        conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
      }),
      'failed',
      /exceeded its progress deadline/,
    ],
    [
      'a complete rollout',
      deployment(1, {
        observedGeneration: 1,
        updatedReplicas: 2,
        replicas: 2,
        availableReplicas: 2,
      }),
      'done',
      /successfully rolled out/,
    ],
  ];
  for (const [what, object, state, message] of cases) {
    it(`Deployment: ${what}`, () => {
      const status = rolloutStatus('Deployment', object);
      assert.equal(status.state, state);
      assert.match(status.message, message);
    });
  }
  it('StatefulSet: a partitioned rollout is done when the pods above the partition are updated', () => {
    const set = {
      metadata: { generation: 1 },
      spec: {
        replicas: 3,
        serviceName: 'db',
        selector: {},
        template: {},
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } },
      },
      status: { observedGeneration: 1, replicas: 3, readyReplicas: 3, updatedReplicas: 1 },
    };
    assert.equal(rolloutStatus('StatefulSet', set).state, 'done');
  });
});

describe('planRollback (kubectl rollout undo)', () => {
  const owner = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    name: 'web',
    uid: 'u1',
    controller: true,
  };
  const rs = (revision: number, image: string, uid = 'u1'): V1ReplicaSet => ({
    metadata: {
      name: `web-${image}`,
      annotations: { 'deployment.kubernetes.io/revision': String(revision) },
      ownerReferences: [{ ...owner, uid }],
    },
    spec: {
      selector: {},
      template: {
        metadata: { labels: { app: 'web', 'pod-template-hash': image } },
        spec: { containers: [{ name: 'app', image }] },
      },
    },
  });
  const deployment: V1Deployment = {
    metadata: { name: 'web', uid: 'u1' },
    spec: { selector: {}, template: {} },
  };
  it('picks the revision before the current one, without the hash label, ignoring others ReplicaSets', () => {
    const plan = planRollback(
      deployment,
      [rs(1, 'a'), rs(3, 'c'), rs(2, 'b'), rs(9, 'z', 'other')],
      0,
    );
    assert.deepEqual([plan.fromRevision, plan.toRevision], [3, 2]);
    assert.deepEqual(plan.template.metadata?.labels, { app: 'web' });
    assert.equal(plan.template.spec?.containers[0]?.image, 'b');
  });
  it('refuses a paused Deployment, a history of one, and an unknown revision', () => {
    assert.throws(
      () =>
        planRollback(
          { ...deployment, spec: { ...deployment.spec, selector: {}, template: {}, paused: true } },
          [rs(1, 'a'), rs(2, 'b')],
          0,
        ),
      code('Refused'),
    );
    assert.throws(() => planRollback(deployment, [rs(1, 'a')], 0), code('Failed'));
    assert.throws(() => planRollback(deployment, [rs(1, 'a'), rs(2, 'b')], 7), code('NotFound'));
  });
});

describe('planResize, planHpaBounds, forbiddenPatchPaths', () => {
  it('scales the request with the limit and never past the ceiling', () => {
    const plan = planResize(
      { limits: { memory: '1Gi' }, requests: { memory: '512Mi' } },
      { resource: 'memory', factor: 3, ceiling: '2Gi' },
    );
    assert.deepEqual(plan.summary, {
      previousLimit: '1Gi',
      limit: '2Gi',
      previousRequest: '512Mi',
      request: '1Gi',
      capped: true,
    });
  });
  it('needs a value when nothing is set, and refuses a factor of 1 or less', () => {
    assert.throws(
      () => planResize(undefined, { resource: 'cpu', factor: 2, ceiling: '1' }),
      code('InvalidInput'),
    );
    assert.throws(
      () => planResize({ limits: { cpu: '1' } }, { resource: 'cpu', factor: 0.5, ceiling: '2' }),
      code('InvalidInput'),
    );
    assert.equal(
      planResize(undefined, { resource: 'cpu', factor: 2, value: '250m', ceiling: '1' }).summary
        .limit,
      '250m',
    );
  });
  it('keeps HPA bounds within the ceiling and min under max', () => {
    assert.deepEqual(planHpaBounds({ min: 1, max: 5 }, { maxReplicasIncrease: 10, ceiling: 8 }), {
      minReplicas: 1,
      maxReplicas: 8,
      capped: true,
    });
    assert.throws(
      () =>
        planHpaBounds({ min: 1, max: 5 }, { maxReplicas: 6, maxReplicasIncrease: 1, ceiling: 8 }),
      code('InvalidInput'),
    );
  });
  it('names the forbidden paths a merge patch sets', () => {
    assert.deepEqual(
      forbiddenPatchPaths({ spec: { replicas: 2, template: { metadata: {} } } }),
      [],
    );
    assert.deepEqual(
      forbiddenPatchPaths({ status: {}, spec: { template: { spec: { containers: [] } } } }),
      ['status', 'spec.template.spec'],
    );
  });
});
