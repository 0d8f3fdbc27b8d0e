/**
 * Restart safety (invariants 1–3): the dispatcher dies after each kind of effect, a new one
 * starts, and every run still finishes with exactly one Job per step attempt. A crash
 * between two writes leaves exactly the objects the first write made; the tests create
 * those objects with the engine's own builders, then start a fresh engine on them.
 */
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  workflowExecutionSchema,
  type WorkflowExecution,
} from '../../../src/api/workflow-execution.ts';
import { buildActionExecution } from '../../../src/backends/jobs/build-action-execution.ts';
import { buildJob } from '../../../src/backends/jobs/build-job.ts';
import { attemptName } from '../../../src/workflow/child-names.ts';
import { waitForObject } from '../../fixtures/wait-for-object.ts';
import { scriptImage } from '../cluster/start-local-cluster.ts';
import { RUNS, startEngineHarness, type EngineHarness } from './engine-harness.ts';

describe('restart safety of the V1 engine', () => {
  let harness: EngineHarness;
  let echo = '';
  let gated = '';
  let gateDir = '';
  before(async () => {
    harness = await startEngineHarness();
    echo = scriptImage(harness.cluster.catalog, 'echo', `console.log(process.env.ACTION_INPUTS);`);
    gateDir = await mkdtemp(join(tmpdir(), 'kubernaut-gate-'));
    // Runs until the test opens its gate file: a step that is mid-flight while the engine is down.
    gated = scriptImage(
      harness.cluster.catalog,
      'gated',
      `const fs = require('node:fs'); const gate = ${JSON.stringify(join(gateDir, 'open'))}; const t = setInterval(() => { if (fs.existsSync(gate)) { clearInterval(t); console.log('{"gated":true}'); } }, 10);`,
    );
  });
  after(async () => {
    await harness.close();
  });

  const readRun = async (name: string): Promise<WorkflowExecution> =>
    workflowExecutionSchema.parse(
      await harness.customObjects.getNamespacedCustomObject({
        group: 'kubernaut.ai',
        version: 'v1alpha1',
        namespace: 'default',
        plural: 'workflowexecutions',
        name,
      }),
    );
  const jobsOf = async (run: WorkflowExecution) =>
    (
      await harness.batch.listNamespacedJob({
        namespace: 'default',
        labelSelector: `kubernaut.ai/run-uid=${run.metadata.uid ?? ''}`,
      })
    ).items
      .map((job) => job.metadata?.name)
      .sort();

  it('finishes a run created while no dispatcher ran', async () => {
    await harness.stopEngine();
    await harness.submit('created-while-down', [{ name: 'a', actionType: 'x', image: echo }]);
    await harness.startEngine();
    const run = await harness.finished('created-while-down');
    assert.equal(run.status?.phase, 'Succeeded');
    assert.deepEqual(await jobsOf(run), ['created-while-down-a-1']);
  });

  it('adopts an ActionExecution whose create landed when the run status write did not', async () => {
    await harness.stopEngine();
    await harness.submit('died-after-ae', [
      { name: 'a', actionType: 'x', image: echo, inputs: { n: 1 } },
    ]);
    const run = await readRun('died-after-ae');
    const action = buildActionExecution(
      run,
      {
        type: 'createAttempt',
        step: 'a',
        attempt: 1,
        name: attemptName('died-after-ae', 'a', 1),
        actionType: 'x',
        image: echo,
        inputs: { n: 1 },
        usesWorkspace: false,
      },
      {},
    );
    await harness.customObjects.createNamespacedCustomObject({
      group: 'kubernaut.ai',
      version: 'v1alpha1',
      namespace: 'default',
      plural: 'actionexecutions',
      body: action,
    });
    await harness.startEngine();
    const finished = await harness.finished('died-after-ae');
    assert.equal(finished.status?.phase, 'Succeeded');
    assert.equal(finished.status?.steps[0]?.attempt, 1, 'the existing attempt was adopted');
    assert.deepEqual(await jobsOf(finished), ['died-after-ae-a-1']);
  });

  it('adopts a Job whose create landed when the ActionExecution status write did not', async () => {
    await harness.stopEngine();
    await harness.submit('died-after-job', [{ name: 'a', actionType: 'x', image: echo }]);
    const run = await readRun('died-after-job');
    const name = attemptName('died-after-job', 'a', 1);
    const action = buildActionExecution(
      run,
      {
        type: 'createAttempt',
        step: 'a',
        attempt: 1,
        name,
        actionType: 'x',
        image: echo,
        inputs: {},
        usesWorkspace: false,
      },
      {},
    );
    const created = (await harness.customObjects.createNamespacedCustomObject({
      group: 'kubernaut.ai',
      version: 'v1alpha1',
      namespace: 'default',
      plural: 'actionexecutions',
      body: action,
    })) as typeof action;
    const job = buildJob(created, {
      digest: echo.split('@')[1] ?? '',
      ttlSecondsAfterFinished: 3600,
      defaultServiceAccountName: 'kubernaut-action',
    });
    await harness.batch.createNamespacedJob({ namespace: 'default', body: job });
    await harness.startEngine();
    const finished = await harness.finished('died-after-job');
    assert.equal(finished.status?.phase, 'Succeeded');
    assert.deepEqual(await jobsOf(finished), [name], 'no second Job for the attempt');
  });

  it('picks up a Job that finished while the dispatcher was down', async () => {
    await harness.submit('finished-while-down', [
      { name: 'a', actionType: 'x', image: gated },
      { name: 'b', actionType: 'x', image: echo, runAfter: ['a'] },
    ]);
    await waitForObject<WorkflowExecution>(
      harness.cluster.kc,
      RUNS,
      'finished-while-down',
      (run) => run.status?.steps[0]?.phase === 'Running',
    );
    await harness.stopEngine();
    await writeFile(join(gateDir, 'open'), '');
    await waitForObject(
      harness.cluster.kc,
      '/apis/batch/v1/namespaces/default/jobs',
      'finished-while-down-a-1',
      (job: { status?: { succeeded?: number } }) => job.status?.succeeded === 1,
    );
    await harness.startEngine();
    const run = await harness.finished('finished-while-down');
    assert.equal(run.status?.phase, 'Succeeded');
    assert.deepEqual(run.status?.steps[0]?.outputs, { gated: true });
    assert.deepEqual(await jobsOf(run), ['finished-while-down-a-1', 'finished-while-down-b-1']);
  });

  it('finishes a run whose attempt completed but whose run status was never updated', async () => {
    await harness.submit('half-written', [{ name: 'a', actionType: 'x', image: echo }]);
    const action = await waitForObject<{ status?: { phase?: string } }>(
      harness.cluster.kc,
      '/apis/kubernaut.ai/v1alpha1/namespaces/default/actionexecutions',
      'half-written-a-1',
      (object) => object.status?.phase === 'Succeeded',
    );
    assert.equal(action.status?.phase, 'Succeeded');
    // Two engines at once (a takeover in progress): deterministic names and resourceVersion
    // preconditions keep the second one harmless.
    const second = harness.engine;
    await harness.startEngine();
    const run = await harness.finished('half-written');
    await second.stop();
    assert.equal(run.status?.phase, 'Succeeded');
    assert.deepEqual(await jobsOf(run), ['half-written-a-1']);
  });
});
