/**
 * The Tekton backend (V2) end to end on the embedded cluster's simulated Tekton controller:
 * the seed's three workflow shapes on both backends with the same phases and outputs
 * (parity), retries, timeouts, cancel, the pre-flight, and Tekton's own validation of the
 * PipelineRuns the dispatcher creates.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StepStatus, WorkflowExecution } from '../../../src/api/workflow-execution.ts';
import type { WorkflowStepInput } from '../../../src/api/workflow-step.ts';
import { loadActionTask } from '../../../src/backends/tekton/action-task.ts';
import type { PipelineRun } from '../../../src/backends/tekton/tekton-types.ts';
import { validateTektonObject } from '../../../src/backends/tekton/validate-tekton.ts';
import type { StepStartCheck } from '../../../src/backends/jobs/step-start-check.ts';
import { digestPinningCheck } from '../../../src/backends/jobs/step-start-check.ts';
import { mergePatch } from '../../../src/kube/patch-options.ts';
import { actionScript } from '../../fixtures/action-script.ts';
import { waitForObject } from '../../fixtures/wait-for-object.ts';
import { scriptImage } from '../cluster/start-local-cluster.ts';
import { isDone } from '../../../wrangler-free-local/tekton/conditions.ts';
import { RUNS, startEngineHarness, type EngineHarness } from './engine-harness.ts';
import { submitTo, tektonList } from './tekton-fixtures.ts';

const step = (name: string, image: string, extra: Partial<WorkflowStepInput> = {}) => ({
  name,
  actionType: 'test/script',
  image,
  ...extra,
});
/** What a user compares between backends: phases, attempts, outputs, reasons. */
const summary = (steps: StepStatus[] = []) =>
  steps.map(({ name, phase, attempt, outputs, reason }) => ({
    name,
    phase,
    attempt,
    outputs,
    reason,
  }));

// Refuses one image, as a signature policy would: nothing may be created for the run.
const refuseUnsigned: StepStartCheck = {
  check: (action) =>
    action.spec.image.includes('/unsigned@')
      ? Promise.resolve({
          ok: false,
          reason: 'SignatureVerificationFailed',
          message: 'no signature',
        })
      : digestPinningCheck.check(action),
};

describe('Tekton backend (V2) on the embedded cluster', () => {
  let harness: EngineHarness;
  const images: Record<string, string> = {};
  const image = (name: string): string => images[name] ?? '';
  before(async () => {
    harness = await startEngineHarness({ check: refuseUnsigned, routingNamespace: 'default' });
    const { catalog } = harness.cluster;
    const add = (name: string, body: string) =>
      (images[name] = scriptImage(catalog, name, actionScript(body)));
    add('echo', '(inputs) => ({ ...inputs, step: process.env.KUBERNAUT_STEP })');
    add('fail', `() => { console.error('cannot reach the deployment'); process.exit(1); }`);
    add('sleep', '() => { setTimeout(() => {}, 60_000); return new Promise(() => {}); }');
    // Fails its first attempt on either backend (V1 counts attempts from 1, Tekton retries from 0).
    add(
      'flaky',
      `() => { if (process.env.KUBERNAUT_ATTEMPT === '1' || process.env.KUBERNAUT_RETRY_COUNT === '0') process.exit(1); return { ok: true }; }`,
    );
    add(
      'write-ws',
      `(inputs) => { require('node:fs').writeFileSync(process.env.KUBERNAUT_ROOT + '/workspace/evidence.txt', inputs.text); return { written: true }; }`,
    );
    add(
      'read-ws',
      `() => ({ text: require('node:fs').readFileSync(process.env.KUBERNAUT_ROOT + '/workspace/evidence.txt', 'utf8') })`,
    );
    images.unsigned = scriptImage(catalog, 'unsigned', 'process.exit(0)');
  });
  after(async () => {
    await harness.close();
  });

  const shapes: [string, () => WorkflowStepInput[], Record<string, unknown>?][] = [
    ['single', () => [step('scale', image('echo'), { inputs: { replicas: 10 } })]],
    [
      'parallel',
      () => [
        step('restart', image('echo'), { inputs: { pods: 2 } }),
        step('scale', image('echo'), { inputs: { replicas: 10 } }),
        step('report', image('echo'), {
          runAfter: ['restart', 'scale'],
          inputs: {
            summary:
              'restarted $(steps.restart.outputs.pods) pods, scaled to $(steps.scale.outputs.replicas)',
            replicas: '$(steps.scale.outputs.replicas)',
            untouched: '$(params.inputs) and $(rm -rf /)',
          },
        }),
      ],
    ],
    [
      'gitops',
      () => [
        step('clone', image('write-ws'), {
          usesWorkspace: true,
          inputs: { text: 'written by step 1' },
        }),
        step('modify', image('echo'), { usesWorkspace: true, runAfter: ['clone'] }),
        step('commit', image('echo'), { usesWorkspace: true, runAfter: ['modify'] }),
        step('push', image('read-ws'), { usesWorkspace: true, runAfter: ['commit'] }),
      ],
    ],
  ];

  for (const [shape, steps] of shapes) {
    it(`runs the ${shape} workflow on Tekton with the same phases and outputs as on Jobs`, async () => {
      await submitTo(harness, `${shape}-v1`, 'jobs', steps());
      await submitTo(harness, `${shape}-v2`, 'tekton', steps());
      const [v1, v2] = await Promise.all([
        harness.finished(`${shape}-v1`, 40_000),
        harness.finished(`${shape}-v2`, 40_000),
      ]);
      assert.equal(v2.status?.phase, 'Succeeded', JSON.stringify(v2.status));
      assert.equal(v1.status?.backend?.name, 'jobs');
      assert.equal(v2.status?.backend?.name, 'tekton');
      assert.deepEqual(summary(v2.status?.steps), summary(v1.status?.steps));
      assert.equal(v2.status?.progress, v1.status?.progress);
      assert.ok(v2.status?.steps.every((status) => status.childRef?.kind === 'TaskRun'));
      const pipelineRuns = await tektonList(harness, 'pipelineruns', v2);
      assert.equal(pipelineRuns.length, 1, 'exactly one PipelineRun per run');
      const lookup = (name: string) =>
        name === 'kubernaut-action' ? loadActionTask().spec : undefined;
      assert.deepEqual(validateTektonObject(pipelineRuns[0] as PipelineRun, lookup), []);
      assert.equal((await tektonList(harness, 'taskruns', v2)).length, steps().length);
    });
  }

  it('resolves output references from upstream results exactly as the Jobs backend does', async () => {
    const run = await harness.finished('parallel-v2');
    assert.deepEqual(run.status?.steps[2]?.outputs, {
      summary: 'restarted 2 pods, scaled to 10',
      replicas: 10,
      untouched: '$(params.inputs) and $(rm -rf /)',
      step: 'report',
    });
  });

  it('retries a failed step through Tekton and succeeds on the second attempt', async () => {
    await submitTo(harness, 'flaky-v2', 'tekton', [
      step('restart', image('flaky'), { retries: { limit: 2 } }),
    ]);
    const run = await harness.finished('flaky-v2');
    assert.equal(run.status?.phase, 'Succeeded', JSON.stringify(run.status));
    assert.equal(run.status?.steps[0]?.attempt, 2);
    assert.deepEqual(run.status?.steps[0]?.outputs, { ok: true });
  });

  it('fails the run with the Jobs backend reason when retries are exhausted', async () => {
    await submitTo(harness, 'exhausted-v2', 'tekton', [
      step('restart', image('fail'), { retries: { limit: 1 } }),
    ]);
    const run = await harness.finished('exhausted-v2');
    assert.equal(run.status?.phase, 'Failed');
    assert.equal(run.status?.steps[0]?.reason, 'ActionFailed');
    assert.equal(run.status?.steps[0]?.attempt, 2);
    assert.match(
      run.status?.conditions.find((c) => c.type === 'Succeeded')?.message ?? '',
      /^step restart failed \(ActionFailed\)/,
    );
  });

  it('stops a step at its timeout (StepTimeout) and the whole run at its timeout (WorkflowTimeout)', async () => {
    await submitTo(harness, 'step-timeout-v2', 'tekton', [
      step('hang', image('sleep'), { timeout: '1s' }),
    ]);
    await submitTo(
      harness,
      'run-timeout-v2',
      'tekton',
      [step('hang', image('sleep')), step('after', image('echo'), { runAfter: ['hang'] })],
      { timeout: '1s' },
    );
    const [stepTimeout, runTimeout] = await Promise.all([
      harness.finished('step-timeout-v2'),
      harness.finished('run-timeout-v2'),
    ]);
    assert.equal(stepTimeout.status?.phase, 'Failed');
    assert.equal(stepTimeout.status?.steps[0]?.reason, 'StepTimeout');
    assert.equal(runTimeout.status?.phase, 'Failed');
    assert.deepEqual(
      runTimeout.status?.steps.map((status) => status.phase),
      ['Failed', 'Skipped'],
    );
    assert.equal(
      runTimeout.status?.conditions.find((c) => c.type === 'Succeeded')?.reason,
      'WorkflowTimeout',
    );
  });

  it('cancels a running run: the PipelineRun is cancelled, pending steps never start', async () => {
    await submitTo(harness, 'cancel-v2', 'tekton', [
      step('hang', image('sleep')),
      step('after', image('echo'), { runAfter: ['hang'] }),
    ]);
    await waitForObject<WorkflowExecution>(
      harness.cluster.kc,
      RUNS,
      'cancel-v2',
      (run) => run.status?.steps[0]?.phase === 'Running',
    );
    await harness.customObjects.patchNamespacedCustomObject(
      {
        group: 'kubernaut.ai',
        version: 'v1alpha1',
        namespace: 'default',
        plural: 'workflowexecutions',
        name: 'cancel-v2',
        body: { spec: { cancel: true } },
      },
      mergePatch,
    );
    const run = await harness.finished('cancel-v2');
    assert.equal(run.status?.phase, 'Cancelled');
    assert.deepEqual(
      run.status?.steps.map((status) => status.phase),
      ['Cancelled', 'Skipped'],
    );
    const pipelineRun = await waitForObject<PipelineRun>(
      harness.cluster.kc,
      '/apis/tekton.dev/v1/namespaces/default/pipelineruns',
      'cancel-v2',
      (object) => isDone(object.status),
    );
    assert.equal(pipelineRun.spec.status, 'Cancelled');
    assert.equal(pipelineRun.status?.conditions?.[0]?.reason, 'Cancelled');
  });

  it('creates nothing when a step fails the pre-flight, and fails the run with its reason', async () => {
    await submitTo(harness, 'unsigned-v2', 'tekton', [
      step('ok', image('echo')),
      step('bad', image('unsigned'), { runAfter: ['ok'] }),
    ]);
    const run = await harness.finished('unsigned-v2');
    assert.equal(run.status?.phase, 'Failed');
    assert.deepEqual(
      run.status?.steps.map((status) => [status.phase, status.reason]),
      [
        ['Skipped', 'StepFailed'],
        ['Failed', 'SignatureVerificationFailed'],
      ],
    );
    assert.deepEqual(await tektonList(harness, 'pipelineruns', run), []);
  });
});
