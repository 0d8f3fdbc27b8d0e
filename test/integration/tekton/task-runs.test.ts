import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CustomObjectsApi, type V1Pod } from '@kubernetes/client-node';
import { mergePatch } from '../../../src/kube/patch-options.ts';
import {
  scriptImage,
  startTestLocalCluster,
  type TestLocalCluster,
} from '../cluster/start-local-cluster.ts';
import {
  applyTekton,
  conditionOf,
  registerShellImages,
  podsLister,
  waitForEvent,
  waitForGone,
  waitForPodProcessesToEnd,
  waitForPipelineRun,
  waitForTaskRun,
  tektonObject,
} from './tekton-cluster.ts';

const taskRun = tektonObject('TaskRun');

describe('simulated Tekton: TaskRuns', () => {
  let cluster: TestLocalCluster;
  before(async () => {
    cluster = await startTestLocalCluster();
    registerShellImages(cluster.catalog);
  });
  after(async () => {
    await cluster.close();
  });

  it('runs a Task by taskRef: steps in order, params with defaults, workingDir, results, pod shape', async () => {
    const image = scriptImage(
      cluster.catalog,
      'greeter',
      `require('node:fs').writeFileSync(process.argv[2], 'hello ' + process.argv[1]);`,
    );
    await applyTekton(cluster, [
      {
        apiVersion: 'tekton.dev/v1',
        kind: 'Task',
        metadata: { name: 'greet' },
        spec: {
          params: [{ name: 'who' }, { name: 'greeting', default: 'hi' }],
          results: [{ name: 'greeting' }, { name: 'where' }],
          steps: [
            { name: 'node', image, args: ['$(params.who)', '$(results.greeting.path)'] },
            {
              image: 'mirror.gcr.io/alpine',
              workingDir: '/workspace/here',
              script:
                'printf "%s/%s" "$(params.greeting)" "$(basename "$PWD")" > $(results.where.path)',
            },
          ],
        },
      },
      taskRun('greet-run', {
        taskRef: { name: 'greet' },
        params: [{ name: 'who', value: 'world' }],
      }),
    ]);
    const run = await waitForTaskRun(cluster, 'greet-run');
    assert.equal(conditionOf(run)?.reason, 'Succeeded', JSON.stringify(run.status));
    assert.equal(conditionOf(run)?.message, 'All Steps have completed executing');
    assert.deepEqual(run.status?.results, [
      { name: 'greeting', type: 'string', value: 'hello world' },
      { name: 'where', type: 'string', value: 'hi/here' },
    ]);
    assert.deepEqual(
      run.status?.steps?.map((step) => [step.name, step.container, step.terminated?.exitCode]),
      [
        ['node', 'step-node', 0],
        ['unnamed-1', 'step-unnamed-1', 0],
      ],
    );
    assert.ok(run.status?.startTime && run.status.completionTime);
    const pod: V1Pod = await cluster.core.readNamespacedPod({
      name: 'greet-run-pod',
      namespace: 'default',
    });
    assert.equal(pod.spec?.restartPolicy, 'Never');
    assert.equal(pod.metadata?.labels?.['tekton.dev/taskRun'], 'greet-run');
    assert.equal(pod.metadata?.labels?.['tekton.dev/task'], 'greet');
    assert.equal(pod.metadata?.ownerReferences?.[0]?.kind, 'TaskRun');
    assert.ok(
      pod.spec?.containers.every((container) =>
        container.volumeMounts?.some((mount) => mount.mountPath === '/tekton/results'),
      ),
    );
  });

  it('fails with CouldntGetTask for a missing Task and TaskRunValidationFailed for a missing param', async () => {
    await applyTekton(cluster, [
      taskRun('no-task', { taskRef: { name: 'does-not-exist' } }),
      taskRun('no-param', {
        taskSpec: {
          params: [{ name: 'needed' }],
          steps: [{ image: 'mirror.gcr.io/alpine', script: 'true' }],
        },
      }),
    ]);
    const missing = await waitForTaskRun(cluster, 'no-task');
    assert.equal(conditionOf(missing)?.reason, 'CouldntGetTask');
    assert.match(
      conditionOf(missing)?.message ?? '',
      /tasks.tekton.dev "does-not-exist" not found/,
    );
    const invalid = await waitForTaskRun(cluster, 'no-param');
    assert.equal(conditionOf(invalid)?.reason, 'TaskRunValidationFailed');
    assert.match(
      conditionOf(invalid)?.message ?? '',
      /missing values for these params which have no default values: \[needed\]/,
    );
  });

  it('fails with TaskRunImagePullFailed for an image the catalog lacks', async () => {
    await applyTekton(
      cluster,
      taskRun('no-image', {
        taskSpec: { steps: [{ name: 'x', image: 'registry.local/unknown:1' }] },
      }),
    );
    const run = await waitForTaskRun(cluster, 'no-image');
    assert.equal(conditionOf(run)?.reason, 'TaskRunImagePullFailed');
    assert.match(
      conditionOf(run)?.message ?? '',
      /failed to pull the image "registry.local\/unknown:1"/,
    );
  });

  it('cancels a TaskRun (spec.status: TaskRunCancelled): the pod is stopped', async () => {
    await applyTekton(
      cluster,
      taskRun('stop-me', {
        taskSpec: { steps: [{ name: 'sleep', image: 'mirror.gcr.io/alpine', script: 'sleep 30' }] },
      }),
    );
    await waitForEvent(cluster, 'stop-me-pod', (event) => event.reason === 'Started');
    await cluster.kc.makeApiClient(CustomObjectsApi).patchNamespacedCustomObject(
      {
        group: 'tekton.dev',
        version: 'v1',
        plural: 'taskruns',
        namespace: 'default',
        name: 'stop-me',
        body: { spec: { status: 'TaskRunCancelled' } },
      },
      mergePatch,
    );
    const run = await waitForTaskRun(cluster, 'stop-me');
    assert.equal(conditionOf(run)?.reason, 'TaskRunCancelled');
    assert.equal(conditionOf(run)?.message, 'TaskRun "stop-me" was cancelled.');
    await waitForGone(
      cluster,
      '/api/v1/namespaces/default/pods',
      'stop-me-pod',
      podsLister(cluster),
    );
    await waitForPodProcessesToEnd(cluster, 'stop-me-pod');
  });

  it('rejects an invalid pipeline (a runAfter cycle) with PipelineValidationFailed, a missing Pipeline with CouldntGetPipeline', async () => {
    const step = { steps: [{ image: 'mirror.gcr.io/alpine', script: 'true' }] };
    await applyTekton(cluster, [
      {
        apiVersion: 'tekton.dev/v1',
        kind: 'PipelineRun',
        metadata: { name: 'cyclic' },
        spec: {
          pipelineSpec: {
            tasks: [
              { name: 'a', runAfter: ['b'], taskSpec: step },
              { name: 'b', runAfter: ['a'], taskSpec: step },
            ],
          },
        },
      },
      {
        apiVersion: 'tekton.dev/v1',
        kind: 'PipelineRun',
        metadata: { name: 'orphan' },
        spec: { pipelineRef: { name: 'nope' } },
      },
    ]);
    const cyclic = await waitForPipelineRun(cluster, 'cyclic');
    assert.equal(conditionOf(cyclic)?.reason, 'PipelineValidationFailed');
    assert.match(conditionOf(cyclic)?.message ?? '', /cycle detected/);
    const orphan = await waitForPipelineRun(cluster, 'orphan');
    assert.equal(conditionOf(orphan)?.reason, 'CouldntGetPipeline');
  });

  it('goes on after a failing step with onError: continue, recording its exit code', async () => {
    await applyTekton(
      cluster,
      taskRun('tolerant', {
        taskSpec: {
          results: [{ name: 'after' }],
          steps: [
            { name: 'flaky', image: 'mirror.gcr.io/alpine', onError: 'continue', script: 'exit 3' },
            {
              name: 'next',
              image: 'mirror.gcr.io/alpine',
              script: 'printf ran > $(results.after.path)',
            },
          ],
        },
      }),
    );
    const run = await waitForTaskRun(cluster, 'tolerant');
    assert.equal(conditionOf(run)?.reason, 'Succeeded', JSON.stringify(run.status?.steps));
    assert.deepEqual(
      run.status?.steps?.map((step) => [
        step.name,
        step.terminated?.exitCode,
        step.terminationReason,
      ]),
      [
        ['flaky', 3, 'Continued'],
        ['next', 0, 'Completed'],
      ],
    );
    assert.deepEqual(run.status?.results, [{ name: 'after', type: 'string', value: 'ran' }]);
  });

  it('fails a run whose volumeClaimTemplate the API server refuses with CouldntCreateWorkspacePVC', async () => {
    await applyTekton(cluster, {
      apiVersion: 'tekton.dev/v1',
      kind: 'PipelineRun',
      metadata: { name: 'bad-claim' },
      spec: {
        // No storage request: a PVC the API server rejects as invalid.
        workspaces: [
          { name: 'ws', volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'] } } },
        ],
        pipelineSpec: {
          workspaces: [{ name: 'ws' }],
          tasks: [
            { name: 'a', taskSpec: { steps: [{ image: 'mirror.gcr.io/alpine', script: 'true' }] } },
          ],
        },
      },
    });
    const run = await waitForPipelineRun(cluster, 'bad-claim');
    assert.equal(conditionOf(run)?.reason, 'CouldntCreateWorkspacePVC');
    assert.match(
      conditionOf(run)?.message ?? '',
      /^Failed to create PVC for PipelineRun default\/bad-claim correctly: .*storage/,
    );
    assert.equal(run.status?.childReferences, undefined, 'no TaskRun was created');
  });
});
