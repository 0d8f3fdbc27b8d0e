/**
 * The V1 engine end to end on the embedded cluster: real Job controller, real processes as
 * actions. The seed's three workflow shapes, the failure paths, and cancellation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { WorkflowExecution } from '../../../src/api/workflow-execution.ts';
import { waitForObject } from '../../fixtures/wait-for-object.ts';
import { scriptImage } from '../cluster/start-local-cluster.ts';
import { RUNS, startEngineHarness, type EngineHarness } from './engine-harness.ts';

const step = (name: string, image: string, extra: Record<string, unknown> = {}) => ({
  name,
  actionType: 'test/script',
  image,
  ...extra,
});
const jobsOf = async (harness: EngineHarness, run: WorkflowExecution) =>
  (
    await harness.batch.listNamespacedJob({
      namespace: 'default',
      labelSelector: `kubernaut.ai/run-uid=${run.metadata.uid ?? ''}`,
    })
  ).items;

describe('V1 engine on the embedded cluster', () => {
  let harness: EngineHarness;
  const images: Record<string, string> = {};
  before(async () => {
    harness = await startEngineHarness();
    const { catalog } = harness.cluster;
    // Echoes its inputs as outputs: the last stdout line is the action's JSON result.
    images.echo = scriptImage(
      catalog,
      'echo',
      `const i = JSON.parse(process.env.ACTION_INPUTS); console.log('log line'); console.log(JSON.stringify({ ...i, step: process.env.KUBERNAUT_STEP }));`,
    );
    images.fail = scriptImage(
      catalog,
      'fail',
      `console.error('cannot reach the deployment'); process.exit(1);`,
    );
    images.sleep = scriptImage(catalog, 'sleep', `setTimeout(() => {}, 60_000);`);
    // Fails on its first attempt and succeeds on the next.
    images.flaky = scriptImage(
      catalog,
      'flaky',
      `process.exit(process.env.KUBERNAUT_ATTEMPT === '1' ? 1 : 0);`,
    );
    images.writeWorkspace = scriptImage(
      catalog,
      'write-ws',
      `require('node:fs').writeFileSync(process.env.KUBERNAUT_ROOT + '/workspace/evidence.txt', JSON.parse(process.env.ACTION_INPUTS).text); console.log('{}');`,
    );
    images.readWorkspace = scriptImage(
      catalog,
      'read-ws',
      `console.log(JSON.stringify({ text: require('node:fs').readFileSync(process.env.KUBERNAUT_ROOT + '/workspace/evidence.txt', 'utf8') }));`,
    );
  });
  after(async () => {
    await harness.close();
  });

  it('runs a single action to Succeeded with its outputs and exactly one Job', async () => {
    await harness.submit('single', [
      step('scale', images.echo ?? '', { inputs: { replicas: 10 } }),
    ]);
    const run = await harness.finished('single');
    assert.equal(run.status?.phase, 'Succeeded', JSON.stringify(run.status));
    assert.equal(run.status?.progress, '1/1');
    assert.deepEqual(run.status?.steps[0]?.outputs, { replicas: 10, step: 'scale' });
    assert.equal(run.status?.backend?.name, 'jobs');
    assert.equal((await jobsOf(harness, run)).length, 1);
  });

  it('runs two parallel steps, then a dependent step fed by their outputs', async () => {
    await harness.submit('parallel', [
      step('restart', images.echo ?? '', { inputs: { pods: 2 } }),
      step('scale', images.echo ?? '', { inputs: { replicas: 10 } }),
      step('report', images.echo ?? '', {
        runAfter: ['restart', 'scale'],
        inputs: {
          summary:
            'restarted $(steps.restart.outputs.pods) pods, scaled to $(steps.scale.outputs.replicas)',
          replicas: '$(steps.scale.outputs.replicas)',
        },
      }),
    ]);
    const run = await harness.finished('parallel');
    assert.equal(run.status?.phase, 'Succeeded', JSON.stringify(run.status));
    assert.deepEqual(run.status?.steps[2]?.outputs, {
      summary: 'restarted 2 pods, scaled to 10',
      replicas: 10,
      step: 'report',
    });
    const [restart, scale, report] = run.status?.steps ?? [];
    assert.ok(
      (report?.startedAt ?? '') >= (restart?.completedAt ?? '~') &&
        (report?.startedAt ?? '') >= (scale?.completedAt ?? '~'),
      'the join started after both',
    );
  });

  it('runs the four-step GitOps chain sharing one workspace, then deletes the workspace', async () => {
    await harness.submit('gitops', [
      step('clone', images.writeWorkspace ?? '', {
        usesWorkspace: true,
        inputs: { text: 'written by step 1' },
      }),
      step('modify', images.echo ?? '', { usesWorkspace: true, runAfter: ['clone'] }),
      step('commit', images.echo ?? '', { usesWorkspace: true, runAfter: ['modify'] }),
      step('push', images.readWorkspace ?? '', { usesWorkspace: true, runAfter: ['commit'] }),
    ]);
    const run = await harness.finished('gitops');
    assert.equal(run.status?.phase, 'Succeeded', JSON.stringify(run.status));
    assert.deepEqual(run.status?.steps[3]?.outputs, { text: 'written by step 1' });
    const claimName = run.status?.workspace?.claimName ?? '';
    assert.equal(claimName, 'gitops-workspace');
    const claims = await harness.cluster.core.listNamespacedPersistentVolumeClaim({
      namespace: 'default',
      fieldSelector: `metadata.name=${claimName}`,
    });
    assert.deepEqual(
      claims.items.filter((claim) => !claim.metadata?.deletionTimestamp),
      [],
      'the workspace is deleted when the run ends',
    );
  });

  it('retries a failed step and succeeds on the second attempt', async () => {
    await harness.submit('flaky', [
      step('restart', images.flaky ?? '', {
        retries: { limit: 2, backoff: { duration: '100ms', factor: 2, maxDuration: '1s' } },
      }),
    ]);
    const run = await harness.finished('flaky');
    assert.equal(run.status?.phase, 'Succeeded', JSON.stringify(run.status));
    assert.equal(run.status?.steps[0]?.attempt, 2);
    assert.equal((await jobsOf(harness, run)).length, 2, 'one Job per attempt');
  });

  it('fails the run with the step reason when retries are exhausted', async () => {
    await harness.submit('exhausted', [
      step('restart', images.fail ?? '', {
        retries: { limit: 1, backoff: { duration: '50ms', factor: 1, maxDuration: '50ms' } },
      }),
    ]);
    const run = await harness.finished('exhausted');
    assert.equal(run.status?.phase, 'Failed');
    assert.equal(run.status?.steps[0]?.reason, 'ActionFailed');
    assert.match(
      run.status?.steps[0]?.message ?? '',
      /exited with code 1: cannot reach the deployment/,
    );
    assert.equal(run.status?.steps[0]?.attempt, 2);
  });

  it('stops a step at its timeout', async () => {
    await harness.submit('step-timeout', [step('hang', images.sleep ?? '', { timeout: '1s' })]);
    const run = await harness.finished('step-timeout');
    assert.equal(run.status?.phase, 'Failed');
    assert.ok(
      ['StepTimeout', 'DeadlineExceeded'].includes(run.status?.steps[0]?.reason ?? ''),
      run.status?.steps[0]?.reason,
    );
  });

  it('fails the whole run at the workflow timeout and skips what never started', async () => {
    await harness.submit(
      'run-timeout',
      [step('hang', images.sleep ?? ''), step('after', images.echo ?? '', { runAfter: ['hang'] })],
      { timeout: '1s' },
    );
    const run = await harness.finished('run-timeout');
    assert.equal(run.status?.phase, 'Failed');
    assert.deepEqual(
      run.status?.steps.map((status) => status.phase),
      ['Failed', 'Skipped'],
    );
    assert.equal(
      run.status?.conditions.find((condition) => condition.type === 'Succeeded')?.reason,
      'WorkflowTimeout',
    );
  });

  it('cancels a running run: its Job goes, pending steps never start', async () => {
    await harness.submit('cancel', [
      step('hang', images.sleep ?? ''),
      step('after', images.echo ?? '', { runAfter: ['hang'] }),
    ]);
    await waitForObject<WorkflowExecution>(
      harness.cluster.kc,
      RUNS,
      'cancel',
      (run) => run.status?.steps[0]?.phase === 'Running',
    );
    await harness.customObjects.patchNamespacedCustomObject(
      {
        group: 'kubernaut.ai',
        version: 'v1alpha1',
        namespace: 'default',
        plural: 'workflowexecutions',
        name: 'cancel',
        body: { spec: { cancel: true } },
      },
      (await import('../../../src/kube/patch-options.ts')).mergePatch,
    );
    const run = await harness.finished('cancel');
    assert.equal(run.status?.phase, 'Cancelled');
    assert.deepEqual(
      run.status?.steps.map((status) => status.phase),
      ['Cancelled', 'Skipped'],
    );
  });

  it('fails an invalid run with ValidationFailed naming every problem', async () => {
    await harness.submit('invalid', [
      step('a', 'registry.local/x:latest', { runAfter: ['ghost'] }),
    ]);
    const run = await harness.finished('invalid');
    assert.equal(run.status?.phase, 'Failed');
    const validated = run.status?.conditions.find((condition) => condition.type === 'Validated');
    assert.equal(validated?.reason, 'ValidationFailed');
    assert.match(validated?.message ?? '', /spec.steps\[0\].image: .*not pinned by digest/);
    assert.match(validated?.message ?? '', /spec.steps\[0\].runAfter\[0\]: names no step/);
    assert.equal((await jobsOf(harness, run)).length, 0);
  });

  it('fails a step whose image cannot be pulled, with ImagePullBackOff', async () => {
    await harness.submit('no-image', [
      step('a', `registry.local/missing@sha256:${'7'.repeat(64)}`),
    ]);
    const run = await harness.finished('no-image');
    assert.equal(run.status?.phase, 'Failed');
    assert.equal(run.status?.steps[0]?.reason, 'ImagePullBackOff');
  });
});
