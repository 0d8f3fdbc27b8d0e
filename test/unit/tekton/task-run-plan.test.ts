import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import {
  parseTerminationMessage,
  planTaskRun,
} from '../../../wrangler-free-local/tekton/task-run-plan.ts';
import type { TaskRun, TaskSpec } from '../../../wrangler-free-local/tekton/types.ts';

const NOW = new Date('2026-01-01T00:00:10Z');
const spec: TaskSpec = {
  results: [{ name: 'out' }, { name: 'other' }],
  steps: [{ name: 'one', image: 'x' }, { image: 'x' }],
};

const taskRun = (
  extra: Partial<NonNullable<TaskRun['spec']>> = {},
  status: TaskRun['status'] = { startTime: '2026-01-01T00:00:00Z' },
): TaskRun => ({
  metadata: { name: 'tr', namespace: 'default', uid: 'u' },
  spec: { taskSpec: spec, ...extra },
  status,
});

const terminated = (name: string, exitCode: number, message?: string): V1ContainerStatus => ({
  name,
  image: 'x',
  imageID: 'x',
  ready: false,
  restartCount: 0,
  state: {
    terminated: {
      exitCode,
      reason: exitCode === 0 ? 'Completed' : 'Error',
      ...(message ? { message } : {}),
    },
  },
});

const pod = (phase: string, statuses: V1ContainerStatus[], name = 'tr-pod'): V1Pod => ({
  metadata: { name },
  spec: {
    containers: [
      { name: 'step-one', image: 'x' },
      { name: 'step-unnamed-1', image: 'registry/x:1' },
    ],
  },
  status: { phase, containerStatuses: statuses },
});

const result = (key: string, value: string): string => JSON.stringify([{ key, value, type: 1 }]);

describe('planTaskRun', () => {
  it('creates the pod of the first attempt, Pending', () => {
    const plan = planTaskRun(taskRun({}, {}), spec, undefined, NOW);
    assert.equal(plan.createPod, true);
    assert.equal(plan.status.podName, 'tr-pod');
    assert.equal(plan.status.startTime, NOW.toISOString());
    assert.equal(plan.status.conditions?.[0]?.reason, 'Pending');
    assert.equal(plan.requeueAtMs, NOW.getTime() + 3_600_000, 'the default 1h timeout');
  });

  const table: {
    name: string;
    pod: V1Pod;
    reason: string;
    status: string;
    message?: RegExp;
    results?: [string, string][];
  }[] = [
    {
      name: 'running',
      pod: pod('Running', [terminated('step-one', 0)]),
      status: 'Unknown',
      reason: 'Running',
    },
    {
      name: 'succeeded: results from the termination messages, a later step wins',
      pod: pod('Succeeded', [
        terminated('step-one', 0, result('out', '1')),
        terminated(
          'step-unnamed-1',
          0,
          JSON.stringify([
            { key: 'out', value: '2', type: 1 },
            { key: 'other', value: 'o', type: 1 },
            { key: 'StartedAt', value: 't', type: 3 },
          ]),
        ),
      ]),
      status: 'True',
      reason: 'Succeeded',
      message: /^All Steps have completed executing$/,
      results: [
        ['out', '2'],
        ['other', 'o'],
      ],
    },
    {
      name: 'failed: the step that exited non-zero',
      pod: pod('Failed', [
        terminated('step-one', 0, result('out', '1')),
        terminated('step-unnamed-1', 3),
      ]),
      status: 'False',
      reason: 'Failed',
      message: /^"step-unnamed-1" exited with code 3$/,
      results: [['out', '1']],
    },
    {
      name: 'an image that cannot be pulled',
      pod: pod('Pending', [
        terminated('step-one', 0),
        {
          name: 'step-unnamed-1',
          image: 'registry/x:1',
          imageID: '',
          ready: false,
          restartCount: 0,
          state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' } },
        },
      ]),
      status: 'False',
      reason: 'TaskRunImagePullFailed',
      message: /the step "unnamed-1" in TaskRun "tr" failed to pull the image "registry\/x:1"/,
    },
  ];
  for (const row of table) {
    it(row.name, () => {
      const plan = planTaskRun(taskRun(), spec, row.pod, NOW);
      const condition = plan.status.conditions?.[0];
      assert.equal(condition?.status, row.status);
      assert.equal(condition?.reason, row.reason);
      if (row.message) assert.match(condition?.message ?? '', row.message);
      assert.deepEqual(
        plan.status.results?.map((item) => [item.name, item.value]) ?? [],
        row.results ?? [],
      );
      assert.equal(plan.status.completionTime !== undefined, row.status !== 'Unknown');
    });
  }

  it('reports steps with their containers and terminated states', () => {
    const plan = planTaskRun(
      taskRun(),
      spec,
      pod('Failed', [terminated('step-one', 0), terminated('step-unnamed-1', 3)]),
      NOW,
    );
    assert.deepEqual(
      plan.status.steps?.map((step) => [
        step.name,
        step.container,
        step.terminated?.exitCode,
        step.terminationReason,
      ]),
      [
        ['one', 'step-one', 0, 'Completed'],
        ['unnamed-1', 'step-unnamed-1', 3, 'Error'],
      ],
    );
  });

  it('retries a failed attempt: it moves to retriesStatus and the next attempt has a new pod', () => {
    const failed = pod('Failed', [terminated('step-one', 1)]);
    const plan = planTaskRun(taskRun({ retries: 2 }), spec, failed, NOW);
    assert.equal(plan.status.conditions?.[0]?.status, 'Unknown');
    assert.equal(plan.status.conditions?.[0]?.reason, 'ToBeRetried');
    assert.equal(plan.status.retriesStatus?.length, 1);
    assert.equal(plan.status.retriesStatus?.[0]?.conditions?.[0]?.reason, 'Failed');
    assert.equal(plan.status.retriesStatus?.[0]?.podName, 'tr-pod');
    assert.equal(plan.status.podName, undefined);
    assert.equal(plan.ended?.retrying, true);
    const next = planTaskRun(taskRun({ retries: 2 }, plan.status), spec, undefined, NOW);
    assert.equal(next.createPod, true);
    assert.equal(next.status.podName, 'tr-pod-retry1');
    const last = planTaskRun(
      taskRun({ retries: 1 }, plan.status),
      spec,
      pod('Failed', [terminated('step-one', 1)], 'tr-pod-retry1'),
      NOW,
    );
    assert.equal(last.status.conditions?.[0]?.reason, 'Failed', 'no retries left');
    assert.equal(last.status.retriesStatus?.length, 1);
  });

  it('times out: stops the pod with TaskRunTimeout (and retries if it may)', () => {
    const plan = planTaskRun(taskRun({ timeout: '5s' }), spec, pod('Running', []), NOW);
    assert.equal(plan.deletePod, 'tr-pod');
    assert.equal(plan.status.conditions?.[0]?.reason, 'TaskRunTimeout');
    assert.equal(plan.status.conditions?.[0]?.message, 'TaskRun "tr" failed to finish within "5s"');
    const retried = planTaskRun(
      taskRun({ timeout: '5s', retries: 1 }),
      spec,
      pod('Running', []),
      NOW,
    );
    assert.equal(retried.status.retriesStatus?.[0]?.conditions?.[0]?.reason, 'TaskRunTimeout');
    assert.equal(retried.deletePod, 'tr-pod');
  });

  it('a timeout of 0 never times out', () => {
    const plan = planTaskRun(
      taskRun({ timeout: '0s' }),
      spec,
      pod('Running', []),
      new Date('2030-01-01T00:00:00Z'),
    );
    assert.equal(plan.status.conditions?.[0]?.reason, 'Running');
    assert.equal(plan.requeueAtMs, undefined);
  });

  it('is cancelled: stops the pod with TaskRunCancelled and never retries', () => {
    const plan = planTaskRun(
      taskRun({ status: 'TaskRunCancelled', statusMessage: 'because', retries: 3 }),
      spec,
      pod('Running', []),
      NOW,
    );
    assert.equal(plan.deletePod, 'tr-pod');
    assert.equal(plan.status.conditions?.[0]?.reason, 'TaskRunCancelled');
    assert.equal(plan.status.conditions?.[0]?.message, 'TaskRun "tr" was cancelled. because');
    assert.equal(plan.status.retriesStatus, undefined);
  });

  it('leaves a finished TaskRun alone', () => {
    const done = taskRun(
      {},
      { conditions: [{ type: 'Succeeded', status: 'True', reason: 'Succeeded' }] },
    );
    const plan = planTaskRun(done, spec, undefined, NOW);
    assert.equal(plan.createPod, false);
    assert.equal(plan.status, done.status);
  });

  it('parses termination messages leniently', () => {
    assert.deepEqual([...parseTerminationMessage('not json')], []);
    assert.deepEqual([...parseTerminationMessage('{"key":"a"}')], []);
    assert.deepEqual([...parseTerminationMessage(result('a', 'b'))], [['a', 'b']]);
  });

  it('records the exit code of a step with onError: continue and does not fail on it', () => {
    const continued = JSON.stringify([{ key: 'ExitCode', value: '7', type: 3 }]);
    const plan = planTaskRun(
      taskRun(),
      spec,
      pod('Succeeded', [terminated('step-one', 0, continued), terminated('step-unnamed-1', 0)]),
      NOW,
    );
    assert.equal(plan.status.conditions?.[0]?.reason, 'Succeeded');
    assert.equal(plan.status.steps?.[0]?.terminated?.exitCode, 7);
    assert.equal(plan.status.steps?.[0]?.terminationReason, 'Continued');
    const failed = planTaskRun(
      taskRun(),
      spec,
      pod('Failed', [terminated('step-one', 0, continued), terminated('step-unnamed-1', 2)]),
      NOW,
    );
    assert.equal(failed.status.conditions?.[0]?.message, '"step-unnamed-1" exited with code 2');
  });
});
