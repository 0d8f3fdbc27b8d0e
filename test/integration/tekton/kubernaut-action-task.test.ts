/**
 * The generic Task `kubernaut-action` (manifests/tekton) on the simulated Tekton controller,
 * driven by a plain TaskRun: a step with an image and no script runs the image's own
 * entrypoint, params reach it only as environment values, and what the action writes to
 * /tekton/results/outputs becomes the TaskRun's `outputs` result.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadActionTask } from '../../../src/backends/tekton/action-task.ts';
import { inertJson } from '../../../src/backends/tekton/build-pipeline-run.ts';
import { actionScript } from '../../fixtures/action-script.ts';
import {
  scriptImage,
  startTestLocalCluster,
  type TestLocalCluster,
} from '../cluster/start-local-cluster.ts';
import {
  applyTekton,
  conditionOf,
  getTaskRun,
  tektonObject,
  waitForTaskRun,
} from './tekton-cluster.ts';

const taskRun = tektonObject('TaskRun');

describe('simulated Tekton: the kubernaut-action Task', () => {
  let cluster: TestLocalCluster;
  let echo = '';
  before(async () => {
    cluster = await startTestLocalCluster();
    echo = scriptImage(
      cluster.catalog,
      'echo-env',
      actionScript(
        '(inputs) => ({ inputs, type: process.env.KUBERNAUT_ACTION_TYPE, step: process.env.KUBERNAUT_STEP, retry: process.env.KUBERNAUT_RETRY_COUNT })',
      ),
    );
    await applyTekton(cluster, loadActionTask('default'));
  });
  after(async () => {
    await cluster.close();
  });

  it('runs the action image entrypoint with inputs as JSON and returns its outputs result', async () => {
    const inputs = {
      replicas: 3,
      note: 'x $(params.actionImage) `id` $(rm -rf /)',
      from: '$(steps.a.outputs.n)',
    };
    await applyTekton(
      cluster,
      taskRun('action', {
        taskRef: { name: 'kubernaut-action' },
        params: [
          { name: 'actionType', value: 'kubernetes/scale' },
          { name: 'actionImage', value: echo },
          { name: 'inputs', value: inertJson(inputs) },
          { name: 'upstreamOutputs', value: '{"a":{"n":7}}' },
          { name: 'step', value: 'scale' },
        ],
      }),
    );
    const done = await waitForTaskRun(cluster, 'action');
    assert.equal(conditionOf(done)?.status, 'True', JSON.stringify(done.status));
    const outputs = done.status?.results?.find((result) => result.name === 'outputs')?.value ?? '';
    assert.deepEqual(JSON.parse(outputs), {
      inputs: { replicas: 3, note: 'x $(params.actionImage) `id` $(rm -rf /)', from: 7 },
      type: 'kubernetes/scale',
      step: 'scale',
      retry: '0',
    });
    const pod = await cluster.core.readNamespacedPod({
      namespace: 'default',
      name: done.status?.podName ?? '',
    });
    assert.deepEqual(
      pod.spec?.containers.map((container) => container.name),
      ['step-action'],
    );
  });

  it('fails the TaskRun with the exit code when the action fails, with no outputs result', async () => {
    const failing = scriptImage(cluster.catalog, 'failing', 'process.exit(3)');
    await applyTekton(
      cluster,
      taskRun('failing', {
        taskRef: { name: 'kubernaut-action' },
        params: [
          { name: 'actionType', value: 't' },
          { name: 'actionImage', value: failing },
          { name: 'inputs', value: '{}' },
        ],
      }),
    );
    await waitForTaskRun(cluster, 'failing');
    const done = await getTaskRun(cluster, 'failing');
    assert.equal(conditionOf(done)?.reason, 'Failed');
    assert.match(conditionOf(done)?.message ?? '', /"step-action" exited with code 3/);
    assert.equal(done.status?.results, undefined);
  });
});
