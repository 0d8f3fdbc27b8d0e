import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { workflowExecutionSchema } from '../../../../src/api/workflow-execution.ts';
import type { WorkflowStepInput } from '../../../../src/api/workflow-step.ts';
import { loadActionTask } from '../../../../src/backends/tekton/action-task.ts';
import {
  buildPipelineRun,
  inertJson,
  upstreamOutputsOf,
} from '../../../../src/backends/tekton/build-pipeline-run.ts';
import { validateTektonObject } from '../../../../src/backends/tekton/validate-tekton.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const image = (name: string) => `ghcr.io/kubernaut/actions/${name}@${DIGEST}`;
const runOf = (steps: WorkflowStepInput[], spec: Record<string, unknown> = {}) =>
  workflowExecutionSchema.parse({
    apiVersion: 'kubernaut.ai/v1alpha1',
    kind: 'WorkflowExecution',
    metadata: { name: 'oom-fix', namespace: 'payments', uid: 'run-uid' },
    spec: { workflowType: 'oom', steps, ...spec },
  });
const options = { workspace: { size: '2Gi' }, serviceAccountName: 'kubernaut-action' };
const actionTask = loadActionTask().spec;
const lookup = (name: string) => (name === 'kubernaut-action' ? actionTask : undefined);
const paramsOf = (task: { params?: { name: string; value: unknown }[] } | undefined) =>
  Object.fromEntries((task?.params ?? []).map((param) => [param.name, param.value]));

describe('buildPipelineRun', () => {
  const chain = runOf(
    [
      { name: 'clone', actionType: 'git/clone', image: image('clone'), usesWorkspace: true },
      {
        name: 'modify',
        actionType: 'git/modify-file',
        image: image('patch'),
        usesWorkspace: true,
        runAfter: ['clone'],
        inputs: { file: '$(steps.clone.outputs.path)/app.yaml', note: 'x $(rm -rf /)' },
        timeout: '90s',
        retries: { limit: 2 },
      },
      { name: 'report', actionType: 'notify/slack', image: image('slack'), runAfter: ['modify'] },
    ],
    { timeout: '10m' },
  );
  const pipelineRun = buildPipelineRun(chain, options);
  const tasks = pipelineRun.spec.pipelineSpec?.tasks ?? [];

  it('is one PipelineRun named after, owned by and labelled with the run', () => {
    assert.equal(pipelineRun.metadata.name, 'oom-fix');
    assert.equal(pipelineRun.metadata.namespace, 'payments');
    assert.equal(pipelineRun.metadata.ownerReferences?.[0]?.uid, 'run-uid');
    assert.equal(pipelineRun.metadata.ownerReferences?.[0]?.controller, true);
    assert.equal(pipelineRun.metadata.labels?.['kubernaut.ai/run-uid'], 'run-uid');
    assert.equal(
      pipelineRun.metadata.labels?.['app.kubernetes.io/managed-by'],
      'kubernaut-dispatcher',
    );
    assert.equal(pipelineRun.metadata.annotations?.['kubernaut.ai/workflow-execution'], 'oom-fix');
  });

  it('has one kubernaut-action task per step, with runAfter, retries and timeout', () => {
    assert.deepEqual(
      tasks.map((task) => [
        task.name,
        task.taskRef?.name,
        task.runAfter,
        task.retries,
        task.timeout,
      ]),
      [
        ['clone', 'kubernaut-action', undefined, undefined, undefined],
        ['modify', 'kubernaut-action', ['clone'], 2, '1m30s'],
        ['report', 'kubernaut-action', ['modify'], undefined, undefined],
      ],
    );
    assert.equal(pipelineRun.spec.timeouts?.pipeline, '10m');
    assert.equal(pipelineRun.spec.taskRunTemplate?.serviceAccountName, 'kubernaut-action');
  });

  it('binds the volumeClaimTemplate workspace to the steps that use it only', () => {
    assert.deepEqual(pipelineRun.spec.pipelineSpec?.workspaces, [{ name: 'workspace' }]);
    const binding = pipelineRun.spec.workspaces?.[0];
    assert.equal(binding?.volumeClaimTemplate?.spec.resources.requests.storage, '2Gi');
    assert.deepEqual(binding?.volumeClaimTemplate?.spec.accessModes, ['ReadWriteOnce']);
    assert.deepEqual(
      tasks.map((task) => task.workspaces),
      [
        [{ name: 'workspace', workspace: 'workspace' }],
        [{ name: 'workspace', workspace: 'workspace' }],
        undefined,
      ],
    );
  });

  it('passes inputs as inert JSON and upstream outputs from the referenced results', () => {
    const params = paramsOf(tasks[1]);
    const inputs = String(params.inputs);
    assert.ok(!inputs.includes('$('), 'no Tekton variable syntax is left in the inputs');
    assert.deepEqual(JSON.parse(inputs), {
      file: '$(steps.clone.outputs.path)/app.yaml',
      note: 'x $(rm -rf /)',
    });
    assert.equal(params.upstreamOutputs, '{"clone":$(tasks.clone.results.outputs)}');
    assert.equal(params.actionImage, image('patch'));
    assert.equal(params.step, 'modify');
    assert.equal(params.workflowExecution, 'oom-fix');
    assert.equal(paramsOf(tasks[0]).upstreamOutputs, undefined);
  });

  it('runs the verified digest with the checked inputs when the pre-flight gives them', () => {
    const verifiedDigest = `sha256:${'b'.repeat(64)}`;
    const verified = new Map([['clone', { digest: verifiedDigest, inputs: { depth: 1 } }]]);
    const built = buildPipelineRun(chain, { ...options, verified });
    const params = paramsOf(built.spec.pipelineSpec?.tasks?.[0]);
    assert.equal(params.actionImage, `ghcr.io/kubernaut/actions/clone@${verifiedDigest}`);
    assert.equal(params.inputs, '{"depth":1}');
  });

  it('uses no workspace and no timeout ("0") when the run asks for none', () => {
    const single = buildPipelineRun(
      runOf([{ name: 'scale', actionType: 'k/scale', image: image('scale') }]),
      options,
    );
    assert.equal(single.spec.workspaces, undefined);
    assert.equal(single.spec.pipelineSpec?.workspaces, undefined);
    assert.equal(single.spec.timeouts?.pipeline, '0');
  });

  it('follows Tekton v1 validation rules, checked against the kubernaut-action Task', () => {
    assert.deepEqual(validateTektonObject(pipelineRun, lookup), []);
  });
});

describe('inertJson and upstreamOutputsOf', () => {
  it('escapes every $( so that JSON.parse gives the same value back', () => {
    const value = { 'k$(x)': ['$(params.a)', { b: '$$(c)' }] };
    const text = inertJson(value);
    assert.ok(!text.includes('$('));
    assert.deepEqual(JSON.parse(text), value);
  });

  it('lists each referenced step once, in order of first reference', () => {
    assert.equal(
      upstreamOutputsOf({
        a: '$(steps.b.outputs.x) $(steps.a.outputs.y)',
        c: ['$(steps.b.outputs.z)'],
      }),
      '{"b":$(tasks.b.results.outputs),"a":$(tasks.a.results.outputs)}',
    );
    assert.equal(upstreamOutputsOf({ a: 'plain' }), undefined);
  });
});
