import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { jobFinishedAt, planJob } from '../../../wrangler-free-local/cluster/job-plan.ts';

const NOW = new Date('2026-01-01T00:01:00Z');
const job = (
  spec: NonNullable<V1Job['spec']> = { template: {} },
  status: V1Job['status'] = {},
): V1Job => ({
  metadata: { name: 'j', generation: 1 },
  spec: { ...spec, template: spec.template },
  status,
});
const pod = (phase: string): V1Pod => ({
  metadata: {
    name: `p-${phase}-${Math.random().toString(36).slice(2, 7)}`,
    creationTimestamp: NOW,
  },
  status: { phase },
});

describe('planJob', () => {
  it('creates the first pod and counts it active', () => {
    const plan = planJob(job(), [], 0, NOW);
    assert.equal(plan.createPods, 1);
    assert.equal(plan.status.active, 1);
    assert.equal(plan.outcome, undefined);
  });

  it('creates nothing while a created pod is not in the cache yet', () => {
    assert.equal(planJob(job(), [], 1, NOW).createPods, 0);
  });

  it('completes when enough pods succeeded', () => {
    const plan = planJob(job(), [pod('Succeeded')], 0, NOW);
    assert.deepEqual(plan.outcome, { type: 'Complete' });
    assert.deepEqual(
      plan.status.conditions?.map((condition) => condition.type),
      ['SuccessCriteriaMet', 'Complete'],
    );
    assert.equal(plan.status.completionTime, NOW);
  });

  const failures: [string, V1Job, V1Pod[], string][] = [
    [
      'more failures than backoffLimit',
      job({ backoffLimit: 1, template: {} }),
      [pod('Failed'), pod('Failed')],
      'BackoffLimitExceeded',
    ],
    [
      'activeDeadlineSeconds passed',
      job(
        { activeDeadlineSeconds: 30, template: {} },
        { startTime: new Date('2026-01-01T00:00:00Z') },
      ),
      [pod('Running')],
      'DeadlineExceeded',
    ],
  ];
  for (const [name, jobObject, pods, reason] of failures) {
    it(`fails on ${name} and deletes the active pods`, () => {
      const plan = planJob(jobObject, pods, 0, NOW);
      assert.equal(plan.outcome?.type === 'Failed' && plan.outcome.reason, reason);
      assert.deepEqual(
        plan.status.conditions?.map((condition) => condition.type),
        ['FailureTarget', 'Failed'],
      );
      assert.deepEqual(
        plan.deletePods,
        pods
          .filter((candidate) => candidate.status?.phase === 'Running')
          .map((candidate) => candidate.metadata?.name),
      );
      assert.equal(plan.status.active, 0);
    });
  }

  it('retries a failed pod while backoffLimit allows, and asks to look again at the deadline', () => {
    const plan = planJob(
      job(
        { backoffLimit: 2, activeDeadlineSeconds: 120, template: {} },
        { startTime: new Date('2026-01-01T00:00:30Z') },
      ),
      [pod('Failed')],
      0,
      NOW,
    );
    assert.equal(plan.createPods, 1);
    assert.equal(plan.requeueAtMs, Date.parse('2026-01-01T00:02:30Z'));
  });
});

describe('jobFinishedAt', () => {
  it('is the completion time of a finished Job, and undefined for a running one', () => {
    assert.equal(jobFinishedAt(job()), undefined);
    const finished = job(undefined, {
      completionTime: NOW,
      conditions: [{ type: 'Complete', status: 'True' }],
    });
    assert.equal(jobFinishedAt(finished)?.getTime(), NOW.getTime());
  });
});
