import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestLocalCluster, type TestLocalCluster } from '../cluster/start-local-cluster.ts';
import {
  applyTekton,
  conditionOf,
  getTaskRun,
  patchPipelineRun,
  registerShellImages,
  podsLister,
  waitForEvent,
  waitForGone,
  waitForPodProcessesToEnd,
  waitForPipelineRun,
  tektonObject,
} from './tekton-cluster.ts';

const sleeper = (name: string, extra: object = {}): object => ({
  name,
  taskSpec: {
    steps: [{ name: 'sleep', image: 'mirror.gcr.io/alpine', script: 'echo sleeping; sleep 30' }],
  },
  ...extra,
});

const pipelineRun = tektonObject('PipelineRun');

describe('simulated Tekton: stopping PipelineRuns', () => {
  let cluster: TestLocalCluster;
  before(async () => {
    cluster = await startTestLocalCluster();
    registerShellImages(cluster.catalog);
  });
  after(async () => {
    await cluster.close();
  });

  it('cancels a run (spec.status: Cancelled): TaskRuns cancelled, their pods stopped, the rest skipped', async () => {
    await applyTekton(
      cluster,
      pipelineRun('cancel-me', {
        pipelineSpec: {
          tasks: [
            sleeper('long'),
            {
              name: 'next',
              runAfter: ['long'],
              taskSpec: { steps: [{ image: 'mirror.gcr.io/alpine', script: 'true' }] },
            },
          ],
        },
      }),
    );
    await waitForEvent(cluster, 'cancel-me-long-pod', (event) => event.reason === 'Started');
    await patchPipelineRun(cluster, 'cancel-me', { spec: { status: 'Cancelled' } });
    const run = await waitForPipelineRun(cluster, 'cancel-me');
    assert.equal(conditionOf(run)?.status, 'False');
    assert.equal(conditionOf(run)?.reason, 'Cancelled');
    assert.equal(conditionOf(run)?.message, 'PipelineRun "cancel-me" was cancelled');
    assert.ok(run.status?.completionTime);
    assert.deepEqual(run.status?.skippedTasks, [
      { name: 'next', reason: 'PipelineRun was gracefully cancelled' },
    ]);
    const taskRun = await getTaskRun(cluster, 'cancel-me-long');
    assert.equal(taskRun.spec?.status, 'TaskRunCancelled');
    assert.equal(
      taskRun.spec?.statusMessage,
      'TaskRun cancelled as the PipelineRun it belongs to has been cancelled.',
    );
    await waitForGone(
      cluster,
      '/api/v1/namespaces/default/pods',
      'cancel-me-long-pod',
      podsLister(cluster),
    );
    await waitForPodProcessesToEnd(cluster, 'cancel-me-long-pod');
    const cancelled = await getTaskRun(cluster, 'cancel-me-long');
    assert.equal(conditionOf(cancelled)?.reason, 'TaskRunCancelled');
  });

  it('times a run out (timeouts.pipeline): running TaskRuns cancelled, PipelineRunTimeout', async () => {
    const started = Date.now();
    await applyTekton(
      cluster,
      pipelineRun('too-slow', {
        timeouts: { pipeline: '1s' },
        pipelineSpec: { tasks: [sleeper('long')] },
      }),
    );
    const run = await waitForPipelineRun(cluster, 'too-slow');
    assert.ok(Date.now() - started >= 1000, 'not before the timeout');
    assert.ok(Date.now() - started < 10_000, 'long before the step would end');
    assert.equal(conditionOf(run)?.reason, 'PipelineRunTimeout');
    assert.equal(conditionOf(run)?.message, 'PipelineRun "too-slow" failed to finish within "1s"');
    const taskRun = await getTaskRun(cluster, 'too-slow-long');
    assert.equal(
      taskRun.spec?.statusMessage,
      'TaskRun cancelled as the PipelineRun it belongs to has timed out.',
    );
    await waitForGone(
      cluster,
      '/api/v1/namespaces/default/pods',
      'too-slow-long-pod',
      podsLister(cluster),
    );
    await waitForPodProcessesToEnd(cluster, 'too-slow-long-pod');
  });

  it('times a task out (pipeline task timeout) with TaskRunTimeout, which fails the run', async () => {
    await applyTekton(
      cluster,
      pipelineRun('task-timeout', {
        pipelineSpec: { tasks: [sleeper('long', { timeout: '500ms' })] },
      }),
    );
    const run = await waitForPipelineRun(cluster, 'task-timeout');
    assert.equal(conditionOf(run)?.reason, 'Failed');
    const taskRun = await getTaskRun(cluster, 'task-timeout-long');
    assert.equal(taskRun.spec?.timeout, '500ms');
    assert.equal(conditionOf(taskRun)?.reason, 'TaskRunTimeout');
    assert.equal(
      conditionOf(taskRun)?.message,
      'TaskRun "task-timeout-long" failed to finish within "500ms"',
    );
    await waitForGone(
      cluster,
      '/api/v1/namespaces/default/pods',
      'task-timeout-long-pod',
      podsLister(cluster),
    );
    await waitForPodProcessesToEnd(cluster, 'task-timeout-long-pod');
  });
});
