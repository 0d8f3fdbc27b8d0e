import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import {
  digestOf,
  startTestLocalCluster,
  type TestLocalCluster,
} from '../cluster/start-local-cluster.ts';
import {
  applyTekton,
  conditionOf,
  getTaskRun,
  registerShellImages,
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
                  value: '{"deployment":"pay","replicas":$(tasks.a.results.outputs)}',
                },
              ],
            },
          ],
          results: [{ name: 'final', value: '$(tasks.b.results.outputs)' }],
        },
      },
    });
    const run = await waitForPipelineRun(cluster, 'scale');
    assert.equal(conditionOf(run)?.status, 'True', JSON.stringify(run.status));
    const a = await getTaskRun(cluster, 'scale-a');
    assert.deepEqual(a.status?.results, [
      { name: 'outputs', type: 'string', value: '{"replicas":6,"sameAsEnv":true}' },
    ]);
    assert.equal(a.metadata?.labels?.['tekton.dev/pipelineRun'], 'scale');
    assert.equal(a.metadata?.labels?.['tekton.dev/pipelineTask'], 'a');
    assert.equal(a.metadata?.labels?.['tekton.dev/memberOf'], 'tasks');
    const pod: V1Pod = await cluster.core.readNamespacedPod({
      name: 'scale-a-pod',
      namespace: 'default',
    });
    assert.equal(pod.spec?.containers[0]?.name, 'step-action');
    const log = await cluster.core.readNamespacedPodLog({
      name: 'scale-a-pod',
      namespace: 'default',
      container: 'step-action',
    });
    assert.match(log, /scaling pay/);
    assert.equal(conditionOf(run)?.reason, 'Succeeded');
    assert.deepEqual(
      run.status?.childReferences?.map((child) => [child.name, child.pipelineTaskName, child.kind]),
      [
        ['scale-a', 'a', 'TaskRun'],
        ['scale-b', 'b', 'TaskRun'],
      ],
    );
    // b's inputs carried a's outputs: replicas {"replicas":6,...} is not a number, so b saw the object.
    const b = await getTaskRun(cluster, 'scale-b');
    assert.ok(b.spec?.params?.[0]?.value.toString().includes('"replicas":{"replicas":6'));
    assert.deepEqual(run.status?.results, [
      { name: 'final', value: b.status?.results?.[0]?.value },
    ]);
  });
});
