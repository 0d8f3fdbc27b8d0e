import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CustomObjectsApi, type V1Pod } from '@kubernetes/client-node';
import type { TaskRun } from '../../../wrangler-free-local/tekton/types.ts';
import {
  digestOf,
  startTestLocalCluster,
  type TestLocalCluster,
} from '../cluster/start-local-cluster.ts';
import {
  applyTekton,
  conditionOf,
  getTaskRun,
  podsLister,
  registerShellImages,
  waitForGone,
  waitForPipelineRun,
} from './tekton-cluster.ts';

/** An action image: /action-entrypoint reads JSON inputs on stdin and writes JSON outputs. */
const ACTION_JS = `
  const fs = require('node:fs');
  let stdin = '';
  process.stdin.on('data', (chunk) => (stdin += chunk));
  process.stdin.on('end', () => {
    const inputs = JSON.parse(stdin);
    const fromEnv = JSON.parse(process.env.ACTION_INPUTS);
    if (inputs.fail) { console.error('action failed'); process.exit(4); }
    console.log('scaling', inputs.deployment);
    fs.writeFileSync(process.env.ACTION_OUTPUT, JSON.stringify({ replicas: inputs.replicas * 2, sameAsEnv: fromEnv.replicas === inputs.replicas }));
  });
`;

const ACTION_TASK_SPEC = {
  params: [{ name: 'inputs', type: 'string' }],
  results: [{ name: 'outputs' }],
  steps: [
    {
      name: 'action',
      image: `registry.local/test/action@${digestOf('action')}`,
      env: [
        { name: 'ACTION_INPUTS', value: '$(params.inputs)' },
        { name: 'ACTION_OUTPUT', value: '$(results.outputs.path)' },
      ],
      script: `printf '%s' "$ACTION_INPUTS" | /action-entrypoint`,
    },
  ],
};

function assertRetriedOnce(taskRun: TaskRun): void {
  const status = taskRun.status ?? {};
  const [attempt = {}] = status.retriesStatus ?? [];
  assert.equal(status.retriesStatus?.length, 1);
  assert.deepEqual(
    attempt.conditions?.map((condition) => [condition.reason, condition.message]),
    [['Failed', '"step-try" exited with code 1']],
  );
  assert.equal(attempt.podName, 'flaky-once-pod');
  assert.deepEqual(attempt.results, [{ name: 'attempt', type: 'string', value: '0' }]);
  assert.equal(status.podName, 'flaky-once-pod-retry1');
  assert.deepEqual(status.results, [{ name: 'attempt', type: 'string', value: '1' }]);
}

async function assertActionLog(cluster: TestLocalCluster, pod: string): Promise<void> {
  const read: V1Pod = await cluster.core.readNamespacedPod({ name: pod, namespace: 'default' });
  assert.deepEqual(
    read.spec?.containers.map((container) => container.name),
    ['step-action'],
  );
  const log = await cluster.core.readNamespacedPodLog({
    name: pod,
    namespace: 'default',
    container: 'step-action',
  });
  assert.match(log, /scaling pay/);
}

describe('simulated Tekton: PipelineRuns', () => {
  let cluster: TestLocalCluster;
  before(async () => {
    cluster = await startTestLocalCluster();
    cluster.catalog.add(digestOf('action'), {
      entrypoint: ['/bin/false'],
      executables: { '/action-entrypoint': [process.execPath, '-e', ACTION_JS] },
    });
    registerShellImages(cluster.catalog);
  });
  after(async () => {
    await cluster.close();
  });

  it('runs the generic action task twice: inputs on stdin and env, outputs as a result into the next task', async () => {
    await applyTekton(cluster, {
      apiVersion: 'tekton.dev/v1',
      kind: 'PipelineRun',
      metadata: { name: 'scale' },
      spec: {
        params: [{ name: 'deployment', value: 'pay' }],
        pipelineSpec: {
          params: [{ name: 'deployment' }],
          tasks: [
            {
              name: 'a',
              taskSpec: ACTION_TASK_SPEC,
              params: [
                { name: 'inputs', value: '{"deployment":"$(params.deployment)","replicas":3}' },
              ],
            },
            {
              name: 'b',
              taskSpec: ACTION_TASK_SPEC,
              params: [
                {
                  name: 'inputs',
                  value: '{"deployment":"pay","replicas":5,"previous":$(tasks.a.results.outputs)}',
                },
              ],
            },
          ],
          results: [{ name: 'final', value: '$(tasks.b.results.outputs)' }],
        },
      },
    });
    const run = await waitForPipelineRun(cluster, 'scale');
    assert.equal(conditionOf(run)?.reason, 'Succeeded', JSON.stringify(run.status));
    assert.deepEqual(
      run.status?.childReferences?.map((child) => [child.name, child.pipelineTaskName, child.kind]),
      [
        ['scale-a', 'a', 'TaskRun'],
        ['scale-b', 'b', 'TaskRun'],
      ],
    );
    const a = await getTaskRun(cluster, 'scale-a');
    assert.deepEqual(a.status?.results, [
      { name: 'outputs', type: 'string', value: '{"replicas":6,"sameAsEnv":true}' },
    ]);
    const labels = a.metadata?.labels ?? {};
    assert.deepEqual(
      [
        labels['tekton.dev/pipelineRun'],
        labels['tekton.dev/pipelineTask'],
        labels['tekton.dev/memberOf'],
      ],
      ['scale', 'a', 'tasks'],
    );
    await assertActionLog(cluster, 'scale-a-pod');
    const b = await getTaskRun(cluster, 'scale-b');
    assert.deepEqual(b.spec?.params, [
      {
        name: 'inputs',
        value: '{"deployment":"pay","replicas":5,"previous":{"replicas":6,"sameAsEnv":true}}',
      },
    ]);
    const outputs = '{"replicas":10,"sameAsEnv":true}';
    assert.deepEqual(b.status?.results, [{ name: 'outputs', type: 'string', value: outputs }]);
    assert.deepEqual(run.status?.results, [{ name: 'final', value: outputs }]);
  });

  it('fails the run when a task fails, lets running tasks end, and skips the tasks that never ran', async () => {
    await applyTekton(cluster, {
      apiVersion: 'tekton.dev/v1',
      kind: 'PipelineRun',
      metadata: { name: 'broken' },
      spec: {
        pipelineSpec: {
          tasks: [
            {
              name: 'fails',
              taskSpec: ACTION_TASK_SPEC,
              params: [{ name: 'inputs', value: '{"fail":true}' }],
            },
            {
              name: 'slow',
              taskSpec: {
                steps: [
                  { name: 'wait', image: 'mirror.gcr.io/alpine', script: 'sleep 0.5; echo done' },
                ],
              },
            },
            {
              name: 'after',
              runAfter: ['fails'],
              taskSpec: {
                steps: [{ name: 'never', image: 'mirror.gcr.io/alpine', script: 'exit 0' }],
              },
            },
          ],
        },
      },
    });
    const run = await waitForPipelineRun(cluster, 'broken');
    const condition = conditionOf(run);
    assert.equal(condition?.status, 'False');
    assert.equal(condition?.reason, 'Failed');
    assert.equal(condition?.message, 'Tasks Completed: 2 (Failed: 1, Cancelled 0), Skipped: 1');
    assert.deepEqual(run.status?.skippedTasks, [
      { name: 'after', reason: 'PipelineRun was stopping' },
    ]);
    const failed = await getTaskRun(cluster, 'broken-fails');
    assert.equal(conditionOf(failed)?.reason, 'Failed');
    assert.equal(conditionOf(failed)?.message, '"step-action" exited with code 4');
    assert.equal(failed.status?.steps?.[0]?.terminated?.exitCode, 4);
    assert.equal(conditionOf(await getTaskRun(cluster, 'broken-slow'))?.reason, 'Succeeded');
  });

  it('retries a failed task: the failed attempt goes to retriesStatus, a new pod runs, the run succeeds', async () => {
    await applyTekton(cluster, {
      apiVersion: 'tekton.dev/v1',
      kind: 'PipelineRun',
      metadata: { name: 'flaky' },
      spec: {
        workspaces: [
          {
            name: 'state',
            volumeClaimTemplate: {
              spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
            },
          },
        ],
        pipelineSpec: {
          workspaces: [{ name: 'state' }],
          tasks: [
            {
              name: 'once',
              retries: 1,
              workspaces: [{ name: 'counter', workspace: 'state' }],
              taskSpec: {
                workspaces: [{ name: 'counter' }],
                results: [{ name: 'attempt' }],
                steps: [
                  {
                    name: 'try',
                    image: 'mirror.gcr.io/alpine',
                    script: [
                      'file=$(workspaces.counter.path)/tries',
                      'echo x >> "$file"',
                      'printf %s "$(context.task.retry-count)" > $(results.attempt.path)',
                      'test "$(wc -l < "$file")" -ge 2',
                    ].join('\n'),
                  },
                ],
              },
            },
          ],
        },
      },
    });
    const run = await waitForPipelineRun(cluster, 'flaky');
    assert.equal(conditionOf(run)?.reason, 'Succeeded', JSON.stringify(run.status?.conditions));
    assertRetriedOnce(await getTaskRun(cluster, 'flaky-once'));
    // The counter lived on the run's PVC, named and owned as Tekton does.
    const claims = await cluster.core.listNamespacedPersistentVolumeClaim({ namespace: 'default' });
    const owners = claims.items.map((item) => [
      /^pvc-[0-9a-f]{10}$/.test(item.metadata?.name ?? ''),
      item.metadata?.ownerReferences?.[0]?.kind,
      item.metadata?.ownerReferences?.[0]?.name,
    ]);
    assert.ok(owners.some((owner) => JSON.stringify(owner) === '[true,"PipelineRun","flaky"]'));
  });

  it('owns what it creates: deleting the run collects its TaskRuns, their pods and the PVC', async () => {
    await applyTekton(cluster, {
      apiVersion: 'tekton.dev/v1',
      kind: 'PipelineRun',
      metadata: { name: 'short-lived' },
      spec: {
        workspaces: [
          {
            name: 'ws',
            volumeClaimTemplate: {
              spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
            },
          },
        ],
        pipelineSpec: {
          workspaces: [{ name: 'ws' }],
          tasks: [
            {
              name: 'touch',
              workspaces: [{ name: 'ws' }],
              taskSpec: {
                workspaces: [{ name: 'ws' }],
                steps: [{ image: 'mirror.gcr.io/alpine', script: 'touch $(workspaces.ws.path)/x' }],
              },
            },
          ],
        },
      },
    });
    const run = await waitForPipelineRun(cluster, 'short-lived');
    assert.equal(conditionOf(run)?.reason, 'Succeeded');
    const claim = (await getTaskRun(cluster, 'short-lived-touch')).spec?.workspaces?.[0]
      ?.persistentVolumeClaim?.claimName;
    assert.ok(claim);
    await cluster.kc.makeApiClient(CustomObjectsApi).deleteNamespacedCustomObject({
      group: 'tekton.dev',
      version: 'v1',
      plural: 'pipelineruns',
      namespace: 'default',
      name: 'short-lived',
    });
    const custom = cluster.kc.makeApiClient(CustomObjectsApi);
    const taskRuns = (fieldSelector: string) =>
      custom.listNamespacedCustomObject({
        group: 'tekton.dev',
        version: 'v1',
        plural: 'taskruns',
        namespace: 'default',
        fieldSelector,
      }) as Promise<{ items: unknown[] }>;
    const claims = (fieldSelector: string) =>
      cluster.core.listNamespacedPersistentVolumeClaim({ namespace: 'default', fieldSelector });
    await Promise.all([
      waitForGone(
        cluster,
        '/apis/tekton.dev/v1/namespaces/default/taskruns',
        'short-lived-touch',
        taskRuns,
      ),
      waitForGone(
        cluster,
        '/api/v1/namespaces/default/pods',
        'short-lived-touch-pod',
        podsLister(cluster),
      ),
      waitForGone(cluster, '/api/v1/namespaces/default/persistentvolumeclaims', claim, claims),
    ]);
  });

  it('skips a task guarded by a when expression on a result, and runs the ones after it', async () => {
    const say = (text: string): object => ({
      results: [{ name: 'said' }],
      steps: [{ image: 'mirror.gcr.io/alpine', script: `printf ${text} > $(results.said.path)` }],
    });
    await applyTekton(cluster, {
      apiVersion: 'tekton.dev/v1',
      kind: 'PipelineRun',
      metadata: { name: 'guarded' },
      spec: {
        pipelineSpec: {
          tasks: [
            { name: 'decide', taskSpec: say('no') },
            {
              name: 'act',
              when: [{ input: '$(tasks.decide.results.said)', operator: 'in', values: ['yes'] }],
              taskSpec: say('acted'),
            },
            { name: 'after', runAfter: ['act'], taskSpec: say('after') },
          ],
        },
      },
    });
    const run = await waitForPipelineRun(cluster, 'guarded');
    assert.equal(conditionOf(run)?.reason, 'Completed', JSON.stringify(run.status?.conditions));
    assert.deepEqual(
      run.status?.skippedTasks?.map((skip) => [skip.name, skip.reason]),
      [['act', 'When Expressions evaluated to false']],
    );
    assert.deepEqual(
      run.status?.childReferences?.map((child) => child.pipelineTaskName),
      ['decide', 'after'],
    );
  });
});
