import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  workflowExecutionSchema,
  type WorkflowExecution,
  type WorkflowExecutionStatus,
} from '../../../../src/api/workflow-execution.ts';
import {
  planTektonRun,
  type ObservedPipeline,
} from '../../../../src/backends/tekton/plan-tekton-run.ts';
import type {
  PipelineRun,
  TaskRun,
  TektonCondition,
} from '../../../../src/backends/tekton/tekton-types.ts';

const NOW = new Date('2026-11-27T10:00:10.000Z');
const T0 = '2026-11-27T10:00:00.000Z';
const T1 = '2026-11-27T10:00:05.000Z';
const IMAGE = `ghcr.io/k/a@sha256:${'a'.repeat(64)}`;
const options = { random: () => 0.5 };

const runOf = (spec: Record<string, unknown> = {}, status?: Partial<WorkflowExecutionStatus>) =>
  workflowExecutionSchema.parse({
    apiVersion: 'kubernaut.ai/v1alpha1',
    kind: 'WorkflowExecution',
    metadata: { name: 'fix', namespace: 'default', uid: 'u1', generation: 1 },
    spec: {
      workflowType: 'oom',
      steps: [
        { name: 'a', actionType: 't', image: IMAGE },
        { name: 'b', actionType: 't', image: IMAGE, runAfter: ['a'], retries: { limit: 1 } },
      ],
      ...spec,
    },
    ...(status ? { status: { phase: 'Running', startedAt: T0, steps: [], ...status } } : {}),
  });
const condition = (
  status: TektonCondition['status'],
  reason: string,
  message = '',
): TektonCondition => ({
  type: 'Succeeded',
  status,
  reason,
  message,
});
const pipelineRun = (
  cond?: TektonCondition,
  extra: Partial<NonNullable<PipelineRun['status']>> = {},
): PipelineRun => ({
  apiVersion: 'tekton.dev/v1',
  kind: 'PipelineRun',
  metadata: { name: 'fix', namespace: 'default' },
  spec: {},
  status: { startTime: T0, ...(cond ? { conditions: [cond] } : {}), ...extra },
});
const taskRun = (
  task: string,
  cond: TektonCondition,
  extra: Partial<NonNullable<TaskRun['status']>> = {},
): TaskRun => ({
  metadata: { name: `fix-${task}`, labels: { 'tekton.dev/pipelineTask': task } },
  status: { startTime: T0, conditions: [cond], ...extra },
});
const outputs = (value: string) => ({
  results: [{ name: 'outputs', type: 'string', value }],
  completionTime: T1,
});
const reasons = (effects: { type: string; reason?: string }[]) =>
  effects.flatMap((effect) => (effect.type === 'recordEvent' ? [effect.reason] : [effect.type]));
const plan = (run: WorkflowExecution, observed: Partial<ObservedPipeline>) =>
  planTektonRun(run, { pipelineRun: undefined, taskRuns: [], ...observed }, NOW, options);
const succeeded = (status: WorkflowExecutionStatus) =>
  status.conditions.find((item) => item.type === 'Succeeded');

describe('planTektonRun: before the PipelineRun', () => {
  it('creates the PipelineRun once the V1 gates let the run start', () => {
    const result = plan(runOf(), {});
    assert.deepEqual(reasons(result.effects), [
      'RunStarted',
      'createPipelineRun',
      'PipelineRunCreated',
    ]);
    assert.equal(result.status.phase, 'Running');
    assert.equal(result.status.startedAt, NOW.toISOString());
    assert.deepEqual(
      result.status.steps.map((step) => step.phase),
      ['Pending', 'Pending'],
    );
    assert.equal(result.status.workspace, undefined);
    assert.equal(result.status.progress, '0/2');
  });

  const gates: [string, Record<string, unknown>, string, string][] = [
    [
      'an invalid workflow',
      { steps: [{ name: 'a', actionType: 't', image: 'unpinned:latest' }] },
      'Failed',
      'ValidationFailed',
    ],
    [
      'a pending approval',
      { approval: { required: true } },
      'AwaitingApproval',
      'AwaitingApproval',
    ],
    ['a dry run', { dryRun: true }, 'Succeeded', 'DryRun'],
    ['a cancel before start', { cancel: true }, 'Cancelled', 'Cancelled'],
  ];
  for (const [name, spec, phase, reason] of gates) {
    it(`creates nothing for ${name}`, () => {
      const result = plan(runOf(spec), {});
      assert.equal(result.status.phase, phase);
      assert.equal(succeeded(result.status)?.reason, reason);
      assert.ok(result.effects.every((effect) => effect.type === 'recordEvent'));
    });
  }
});

describe('planTektonRun: following the PipelineRun', () => {
  const started = runOf(
    {},
    {
      steps: [
        { name: 'a', phase: 'Pending', attempt: 0 },
        { name: 'b', phase: 'Pending', attempt: 0 },
      ],
    },
  );

  it('waits for a PipelineRun the cache does not show yet, then fails the run', () => {
    const waiting = plan(started, {});
    assert.deepEqual(reasons(waiting.effects), ['requeueAt']);
    const late = planTektonRun(
      started,
      { pipelineRun: undefined, taskRuns: [] },
      new Date(Date.parse(T0) + 61_000),
      options,
    );
    assert.equal(late.status.phase, 'Failed');
    assert.equal(succeeded(late.status)?.reason, 'PipelineRunMissing');
  });

  it('folds a succeeded TaskRun into the step: outputs, times, TaskRun reference', () => {
    const result = plan(started, {
      pipelineRun: pipelineRun(condition('Unknown', 'Running')),
      taskRuns: [taskRun('a', condition('True', 'Succeeded'), outputs('{"replicas":3}'))],
    });
    assert.deepEqual(result.status.steps[0], {
      name: 'a',
      phase: 'Succeeded',
      attempt: 1,
      startedAt: T0,
      completedAt: T1,
      childRef: { kind: 'TaskRun', name: 'fix-a' },
      outputs: { replicas: 3 },
      reason: 'Succeeded',
    });
    assert.equal(result.status.progress, '1/2');
    assert.deepEqual(reasons(result.effects), ['StepStarted', 'StepSucceeded']);
  });

  it('shows a retry as Retrying with the failed attempt, then the next attempt Running', () => {
    const retrying = taskRun(
      'b',
      condition('Unknown', 'ToBeRetried', '"step-action" exited with code 1'),
      {
        retriesStatus: [
          {
            startTime: T0,
            conditions: [condition('False', 'Failed', '"step-action" exited with code 1')],
          },
        ],
      },
    );
    const result = plan(started, {
      pipelineRun: pipelineRun(condition('Unknown', 'Running')),
      taskRuns: [retrying],
    });
    const step = result.status.steps[1];
    assert.equal(step?.phase, 'Retrying');
    assert.equal(step?.attempt, 1);
    assert.equal(step?.reason, 'ActionFailed');
    assert.deepEqual(reasons(result.effects), ['StepStarted', 'RetryScheduled']);
    const next = taskRun('b', condition('Unknown', 'Running'), {
      retriesStatus: retrying.status?.retriesStatus ?? [],
    });
    const again = plan(runOf({}, result.status), {
      pipelineRun: pipelineRun(condition('Unknown', 'Running')),
      taskRuns: [next],
    });
    assert.equal(again.status.steps[1]?.phase, 'Running');
    assert.equal(again.status.steps[1]?.attempt, 2);
    assert.deepEqual(reasons(again.effects), ['StepStarted']);
  });

  const failures: [string, TektonCondition, string, string][] = [
    [
      'an exit code',
      condition('False', 'Failed', '"step-action" exited with code 1'),
      'ActionFailed',
      'exited with code 1',
    ],
    [
      'exit code 2 (bad input)',
      condition('False', 'Failed', '"step-action" exited with code 2'),
      'InvalidInputs',
      'exited with code 2',
    ],
    [
      'a step timeout',
      condition('False', 'TaskRunTimeout', 'TaskRun "fix-a" failed to finish within "30s"'),
      'StepTimeout',
      'TaskRun "fix-a" failed to finish within "30s"',
    ],
    [
      'an image pull failure',
      condition('False', 'TaskRunImagePullFailed', 'pull'),
      'ImagePullBackOff',
      'pull',
    ],
  ];
  for (const [name, cond, reason, message] of failures) {
    it(`fails the step and the run with the Jobs backend's reason for ${name}`, () => {
      const result = plan(started, {
        pipelineRun: pipelineRun(
          condition('False', 'Failed', 'Tasks Completed: 1 (Failed: 1, Cancelled 0), Skipped: 1'),
          { completionTime: T1 },
        ),
        taskRuns: [taskRun('a', cond, { completionTime: T1 })],
      });
      assert.equal(result.status.steps[0]?.phase, 'Failed');
      assert.equal(result.status.steps[0]?.reason, reason);
      assert.equal(result.status.steps[0]?.message, message);
      assert.equal(result.status.steps[1]?.phase, 'Skipped');
      assert.equal(result.status.phase, 'Failed');
      assert.equal(succeeded(result.status)?.reason, 'StepFailed');
      assert.equal(succeeded(result.status)?.message, `step a failed (${reason}): ${message}`);
      assert.equal(result.status.completedAt, T1);
    });
  }

  it('waits for the steps when the PipelineRun shows its end before its TaskRuns do', () => {
    const result = plan(started, {
      pipelineRun: pipelineRun(condition('True', 'Succeeded')),
      taskRuns: [
        taskRun('a', condition('True', 'Succeeded'), outputs('{}')),
        taskRun('b', condition('Unknown', 'Running')),
      ],
    });
    assert.equal(result.status.phase, 'Running');
  });

  it('ends Succeeded when the PipelineRun and every TaskRun did', () => {
    const result = plan(started, {
      pipelineRun: pipelineRun(condition('True', 'Succeeded'), { completionTime: T1 }),
      taskRuns: [
        taskRun('a', condition('True', 'Succeeded'), outputs('{}')),
        taskRun('b', condition('True', 'Succeeded'), outputs('{"x":1}')),
      ],
    });
    assert.equal(result.status.phase, 'Succeeded');
    assert.equal(succeeded(result.status)?.message, 'all 2 step(s) succeeded');
    assert.deepEqual(result.status.steps[1]?.outputs, { x: 1 });
    assert.ok(reasons(result.effects).includes('RunSucceeded'));
  });

  it('fails a step whose referenced outputs were missing (Tekton skipped it) with OutputNotFound', () => {
    const result = plan(started, {
      pipelineRun: pipelineRun(condition('True', 'Completed'), {
        skippedTasks: [{ name: 'b', reason: 'Results were missing' }],
      }),
      taskRuns: [taskRun('a', condition('True', 'Succeeded'))],
    });
    assert.equal(result.status.steps[1]?.reason, 'OutputNotFound');
    assert.equal(result.status.phase, 'Failed');
  });

  it('maps the pipeline timeout to WorkflowTimeout, cancelled TaskRuns included', () => {
    const result = plan(runOf({ timeout: '5s' }, started.status), {
      pipelineRun: pipelineRun(
        condition('False', 'PipelineRunTimeout', 'PipelineRun "fix" failed to finish within "5s"'),
      ),
      taskRuns: [taskRun('a', condition('False', 'TaskRunCancelled', 'cancelled'))],
    });
    assert.equal(result.status.phase, 'Failed');
    assert.equal(succeeded(result.status)?.reason, 'WorkflowTimeout');
    assert.deepEqual(
      result.status.steps.map((step) => [step.phase, step.reason]),
      [
        ['Failed', 'WorkflowTimeout'],
        ['Skipped', 'WorkflowTimeout'],
      ],
    );
  });

  it('cancels the PipelineRun when the run is cancelled, and ends Cancelled at once', () => {
    const result = plan(runOf({ cancel: true }, started.status), {
      pipelineRun: pipelineRun(condition('Unknown', 'Running')),
      taskRuns: [taskRun('a', condition('Unknown', 'Running'))],
    });
    assert.deepEqual(
      result.effects.filter((effect) => effect.type === 'cancelPipelineRun'),
      [{ type: 'cancelPipelineRun', name: 'fix' }],
    );
    assert.equal(result.status.phase, 'Cancelled');
    assert.deepEqual(
      result.status.steps.map((step) => step.phase),
      ['Cancelled', 'Skipped'],
    );
  });

  it('after the run ended, only cancels a PipelineRun still running', () => {
    const ended = runOf({}, { ...started.status, phase: 'Cancelled' });
    assert.deepEqual(
      plan(ended, { pipelineRun: pipelineRun(condition('Unknown', 'Running')) }).effects,
      [{ type: 'cancelPipelineRun', name: 'fix' }],
    );
    assert.deepEqual(
      plan(ended, { pipelineRun: pipelineRun(condition('False', 'Cancelled')) }).effects,
      [],
    );
  });

  it('adopts a PipelineRun whose create landed when the status write that followed did not', () => {
    const result = plan(runOf(), {
      pipelineRun: pipelineRun(condition('Unknown', 'Running')),
      taskRuns: [taskRun('a', condition('Unknown', 'Running'))],
    });
    assert.ok(!result.effects.some((effect) => effect.type === 'createPipelineRun'));
    assert.equal(result.status.startedAt, T0);
    assert.equal(result.status.steps[0]?.phase, 'Running');
  });

  it('is idempotent: the same observation again changes nothing and records no event', () => {
    const observed = {
      pipelineRun: pipelineRun(condition('Unknown', 'Running')),
      taskRuns: [
        taskRun('a', condition('True', 'Succeeded'), outputs('{}')),
        taskRun('b', condition('Unknown', 'Running')),
      ],
    };
    const first = plan(started, observed);
    const second = plan(runOf({}, first.status), observed);
    assert.deepEqual(second.status, first.status);
    assert.deepEqual(second.effects, []);
  });
});
