import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plan } from '../../../src/workflow/plan.ts';
import { makeRun, step } from '../../fixtures/workflows.ts';
import { Simulator } from './simulator.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const createdSteps = (result: ReturnType<typeof plan>) =>
  result.effects.flatMap((effect) =>
    effect.type === 'createAttempt' ? [`${effect.step}#${effect.attempt}`] : [],
  );
const conditionOf = (sim: Simulator, type: string) =>
  sim.run.status?.conditions.find((condition) => condition.type === type);

describe('plan: starting steps', () => {
  it('starts a single action and records it as Running with a deterministic child', () => {
    const sim = new Simulator(makeRun([step('scale')], { name: 'oom-fix' }));
    const result = sim.step();
    assert.deepEqual(createdSteps(result), ['scale#1']);
    assert.equal(sim.run.status?.phase, 'Running');
    assert.deepEqual(sim.run.status?.steps[0]?.childRef, {
      kind: 'ActionExecution',
      name: 'oom-fix-scale-1',
    });
    assert.equal(sim.run.status?.progress, '0/1');
    assert.equal(conditionOf(sim, 'Succeeded')?.status, 'Unknown');
  });

  const shapes: [string, Parameters<typeof makeRun>[0], string[][]][] = [
    ['parallel roots start together', [step('a'), step('b')], [['a#1', 'b#1']]],
    [
      'a dependent step waits for all of runAfter',
      [step('a'), step('b'), step('c', { runAfter: ['a', 'b'] })],
      [['a#1', 'b#1'], ['c#1']],
    ],
    [
      'a chain runs one by one',
      [step('a'), step('b', { runAfter: ['a'] }), step('c', { runAfter: ['b'] })],
      [['a#1'], ['b#1'], ['c#1']],
    ],
  ];
  for (const [name, steps, waves] of shapes) {
    it(name, () => {
      const sim = new Simulator(makeRun(steps));
      for (const wave of waves) {
        assert.deepEqual(createdSteps(sim.step()), wave);
        for (const child of sim.running()) sim.complete(child.name, 'Succeeded');
      }
      sim.step();
      assert.equal(sim.run.status?.phase, 'Succeeded');
      assert.equal(sim.run.status?.progress, `${steps.length}/${steps.length}`);
      assert.equal(conditionOf(sim, 'Succeeded')?.status, 'True');
    });
  }

  it('does not start a dependent while one dependency still runs', () => {
    const sim = new Simulator(makeRun([step('a'), step('b'), step('c', { runAfter: ['a', 'b'] })]));
    sim.step();
    sim.complete('run-1-a-1', 'Succeeded');
    assert.deepEqual(createdSteps(sim.step()), []);
    assert.equal(sim.phaseOf('c'), 'Pending');
  });

  it('passes the outputs of one step into the inputs of the next', () => {
    const sim = new Simulator(
      makeRun([
        step('find'),
        step('scale', {
          runAfter: ['find'],
          inputs: { replicas: '$(steps.find.outputs.n)', note: 'to $(steps.find.outputs.n)' },
        }),
      ]),
    );
    sim.step();
    sim.complete('run-1-find-1', 'Succeeded', { outputs: { n: 7 } });
    const result = sim.step();
    const create = result.effects.find((effect) => effect.type === 'createAttempt');
    assert.deepEqual(create?.type === 'createAttempt' && create.inputs, {
      replicas: 7,
      note: 'to 7',
    });
  });

  it('fails a step whose referenced output was never produced, without starting it', () => {
    const sim = new Simulator(
      makeRun([
        step('a'),
        step('b', { runAfter: ['a'], inputs: { x: '$(steps.a.outputs.missing)' } }),
      ]),
    );
    sim.step();
    sim.complete('run-1-a-1', 'Succeeded', { outputs: {} });
    const result = sim.step();
    assert.deepEqual(createdSteps(result), []);
    assert.equal(sim.phaseOf('b'), 'Failed');
    assert.equal(sim.run.status?.steps[1]?.reason, 'OutputNotFound');
    assert.equal(sim.run.status?.phase, 'Failed');
  });
});

describe('plan: workspace', () => {
  it('creates the workspace before the first step that uses it and deletes it at the end', () => {
    const sim = new Simulator(
      makeRun([
        step('clone', { usesWorkspace: true }),
        step('push', { usesWorkspace: true, runAfter: ['clone'] }),
      ]),
    );
    const first = sim.step();
    assert.deepEqual(
      first.effects.filter((effect) => effect.type !== 'recordEvent').map((effect) => effect.type),
      ['createWorkspace', 'createAttempt'],
    );
    assert.equal(sim.run.status?.workspace?.claimName, 'run-1-workspace');
    sim.complete('run-1-clone-1', 'Succeeded');
    const second = sim.step();
    assert.equal(second.effects.filter((effect) => effect.type === 'createWorkspace').length, 0);
    sim.complete('run-1-push-1', 'Succeeded');
    const last = sim.step();
    assert.ok(last.effects.some((effect) => effect.type === 'deleteWorkspace'));
    assert.equal(sim.workspaceExists, false);
  });

  it('creates no workspace for a run whose steps do not use one', () => {
    const sim = new Simulator(makeRun([step('a')]));
    assert.ok(!sim.step().effects.some((effect) => effect.type === 'createWorkspace'));
  });
});

describe('plan: retries', () => {
  it('retries a failed attempt after its backoff, then succeeds', () => {
    const sim = new Simulator(
      makeRun([
        step('a', {
          retries: { limit: 2, backoff: { duration: '10s', factor: 2, maxDuration: '1m' } },
        }),
      ]),
      { random: () => 0 },
    );
    sim.step();
    sim.complete('run-1-a-1', 'Failed', { reason: 'ExitCode1' });
    const failed = sim.step();
    assert.equal(sim.phaseOf('a'), 'Retrying');
    // Equal jitter with random() = 0 gives half of the 10 s delay.
    assert.deepEqual(failed.effects.at(-1), {
      type: 'requeueAt',
      at: new Date(T0 + 5_000).toISOString(),
    });
    assert.deepEqual(createdSteps(sim.step()), [], 'no retry before the backoff has passed');
    sim.nowMs = T0 + 5_000;
    assert.deepEqual(createdSteps(sim.step()), ['a#2']);
    sim.complete('run-1-a-2', 'Succeeded');
    sim.step();
    assert.equal(sim.run.status?.phase, 'Succeeded');
    assert.equal(sim.run.status?.steps[0]?.attempt, 2);
  });

  it('fails the run with the step reason when retries are exhausted', () => {
    const sim = new Simulator(makeRun([step('a', { retries: { limit: 1 } })]));
    sim.step();
    sim.complete('run-1-a-1', 'Failed', { reason: 'OOMKilled' });
    sim.step();
    sim.nowMs += 3_600_000;
    sim.step();
    sim.complete('run-1-a-2', 'Failed', { reason: 'OOMKilled', message: 'container killed' });
    sim.step();
    assert.equal(sim.run.status?.phase, 'Failed');
    assert.equal(sim.run.status?.steps[0]?.reason, 'OOMKilled');
    assert.match(
      conditionOf(sim, 'Succeeded')?.message ?? '',
      /step a failed \(OOMKilled\): container killed/,
    );
    assert.deepEqual(
      sim.events.filter((reason) => reason.startsWith('Run')),
      ['RunStarted', 'RunFailed'],
    );
  });

  it('starts nothing new after a failure and fails when the running steps end', () => {
    const sim = new Simulator(
      makeRun([
        step('a'),
        step('slow'),
        step('after-a', { runAfter: ['a'] }),
        step('after-slow', { runAfter: ['slow'] }),
      ]),
    );
    sim.step();
    sim.complete('run-1-a-1', 'Failed');
    assert.deepEqual(createdSteps(sim.step()), []);
    assert.equal(sim.run.status?.phase, 'Running', 'still running while slow runs');
    sim.complete('run-1-slow-1', 'Succeeded');
    assert.deepEqual(createdSteps(sim.step()), []);
    assert.equal(sim.run.status?.phase, 'Failed');
    assert.deepEqual(
      sim.run.status?.steps.map((status) => status.phase),
      ['Failed', 'Succeeded', 'Skipped', 'Skipped'],
    );
  });
});

describe('plan: timeouts', () => {
  it('stops a step that runs past its timeout and counts it as a failed attempt', () => {
    const sim = new Simulator(makeRun([step('a', { timeout: '30s' })]));
    const first = sim.step();
    assert.deepEqual(first.effects.at(-1), {
      type: 'requeueAt',
      at: new Date(T0 + 30_000).toISOString(),
    });
    sim.nowMs = T0 + 30_000;
    const result = sim.step();
    assert.ok(
      result.effects.some(
        (effect) => effect.type === 'deleteAttempt' && effect.reason === 'StepTimeout',
      ),
    );
    assert.equal(sim.run.status?.steps[0]?.reason, 'StepTimeout');
    assert.equal(sim.run.status?.phase, 'Failed');
  });

  it('fails the whole run at its timeout, stopping running steps and skipping the rest', () => {
    const sim = new Simulator(
      makeRun([step('a'), step('b', { runAfter: ['a'] })], { timeout: '1m' }),
    );
    sim.step();
    sim.nowMs = T0 + 60_000;
    const result = sim.step();
    assert.deepEqual(
      result.effects
        .filter((effect) => effect.type === 'deleteAttempt')
        .map((effect) => effect.type === 'deleteAttempt' && effect.name),
      ['run-1-a-1'],
    );
    assert.equal(sim.run.status?.phase, 'Failed');
    assert.equal(conditionOf(sim, 'Succeeded')?.reason, 'WorkflowTimeout');
    assert.deepEqual(
      sim.run.status?.steps.map((status) => status.phase),
      ['Failed', 'Skipped'],
    );
  });
});

describe('plan: cancellation', () => {
  for (const [how, overrides] of [
    ['spec.cancel', { cancel: true }],
    ['deletion of the run', { deletionTimestamp: '2026-01-01T00:00:01Z' }],
  ] as const) {
    it(`stops running steps and never starts pending ones on ${how}`, () => {
      const sim = new Simulator(makeRun([step('a'), step('b', { runAfter: ['a'] })]));
      sim.step();
      sim.run = {
        ...sim.run,
        spec: { ...sim.run.spec, cancel: 'cancel' in overrides },
        metadata: {
          ...sim.run.metadata,
          ...('deletionTimestamp' in overrides
            ? { deletionTimestamp: overrides.deletionTimestamp }
            : {}),
        },
      };
      const result = sim.step();
      assert.deepEqual(createdSteps(result), []);
      assert.deepEqual(sim.deleted, ['run-1-a-1']);
      assert.equal(sim.run.status?.phase, 'Cancelled');
      assert.deepEqual(
        sim.run.status?.steps.map((status) => status.phase),
        ['Cancelled', 'Skipped'],
      );
    });
  }

  it('keeps deleting children a cancelled run still observes, and plans nothing else', () => {
    const sim = new Simulator(makeRun([step('a')], { cancel: true }));
    sim.step();
    sim.children.set('stray', {
      step: 'a',
      attempt: 1,
      name: 'stray',
      phase: 'Running',
      inputs: {},
    });
    const result = sim.step();
    assert.deepEqual(result.effects, [
      { type: 'deleteAttempt', step: 'a', attempt: 1, name: 'stray', reason: 'RunFinished' },
    ]);
  });
});

describe('plan: a finished run and a cache that is behind', () => {
  it('never deletes an attempt the run recorded as succeeded, however stale the cache', () => {
    const sim = new Simulator(makeRun([step('a')]));
    sim.step();
    sim.complete('run-1-a-1', 'Succeeded');
    sim.step();
    assert.equal(sim.run.status?.phase, 'Succeeded');
    // A replica that just took the run over still sees the attempt running.
    sim.children.set('run-1-a-1', {
      step: 'a',
      attempt: 1,
      name: 'run-1-a-1',
      phase: 'Running',
      inputs: {},
    });
    const result = sim.step();
    assert.deepEqual(
      result.effects.filter((effect) => effect.type === 'deleteAttempt'),
      [],
    );
    assert.deepEqual(sim.deleted, []);
  });
});

describe('plan: approval and dry run', () => {
  it('waits in AwaitingApproval until approved', () => {
    const run = makeRun([step('a')], { approval: { required: true } });
    const sim = new Simulator(run);
    assert.deepEqual(createdSteps(sim.step()), []);
    assert.equal(sim.run.status?.phase, 'AwaitingApproval');
    sim.run = {
      ...sim.run,
      spec: {
        ...sim.run.spec,
        approval: { required: true, decision: 'Approved', decidedBy: 'alice' },
      },
    };
    assert.deepEqual(createdSteps(sim.step()), ['a#1']);
  });

  it('cancels a rejected run with the rejecter named', () => {
    const sim = new Simulator(
      makeRun([step('a')], {
        approval: { required: true, decision: 'Rejected', decidedBy: 'bob' },
      }),
    );
    sim.step();
    assert.equal(sim.run.status?.phase, 'Cancelled');
    assert.match(conditionOf(sim, 'Succeeded')?.message ?? '', /rejected by bob/);
  });

  it('ends a run cancelled while it awaits approval without starting it', () => {
    const sim = new Simulator(makeRun([step('a'), step('b')], { approval: { required: true } }));
    sim.step();
    sim.run = { ...sim.run, spec: { ...sim.run.spec, cancel: true } };
    assert.deepEqual(createdSteps(sim.step()), []);
    assert.equal(sim.run.status?.phase, 'Cancelled');
    assert.equal(sim.run.status?.startedAt, undefined, 'a run that never started has no start');
    assert.equal(conditionOf(sim, 'Succeeded')?.reason, 'Cancelled');
    assert.ok(!sim.events.some((event) => event.includes('RunStarted')), sim.events.join('; '));
    assert.deepEqual(
      sim.run.status?.steps.map((status) => `${status.phase}:${status.reason ?? ''}`),
      ['Skipped:Cancelled', 'Skipped:Cancelled'],
    );
  });

  it('a rejection wins over a cancel, skips every step and starts nothing', () => {
    const sim = new Simulator(
      makeRun([step('a')], {
        cancel: true,
        approval: { required: true, decision: 'Rejected', decidedBy: 'bob' },
      }),
    );
    assert.deepEqual(createdSteps(sim.step()), []);
    assert.equal(conditionOf(sim, 'Succeeded')?.reason, 'Rejected');
    assert.equal(sim.phaseOf('a'), 'Skipped');
  });

  it('ignores a decision on a run that does not require approval', () => {
    const sim = new Simulator(
      makeRun([step('a')], { approval: { required: false, decision: 'Rejected' } }),
    );
    assert.deepEqual(createdSteps(sim.step()), ['a#1']);
  });

  it('starts nothing in a dry run and succeeds with every step skipped', () => {
    const sim = new Simulator(
      makeRun([step('a'), step('b', { runAfter: ['a'] })], { dryRun: true }),
    );
    assert.deepEqual(createdSteps(sim.step()), []);
    assert.equal(sim.run.status?.phase, 'Succeeded');
    assert.equal(conditionOf(sim, 'Succeeded')?.reason, 'DryRun');
    assert.deepEqual(
      sim.run.status?.steps.map((status) => status.reason),
      ['DryRun', 'DryRun'],
    );
    // Nothing started, so no RunStarted: one Event tells the whole story.
    assert.deepEqual(sim.events, ['RunSucceeded']);
  });
});

describe('plan: validation', () => {
  it('fails an invalid run with ValidationFailed and every problem in the message', () => {
    const sim = new Simulator(makeRun([step('a', { image: 'x:latest', runAfter: ['ghost'] })]));
    const result = sim.step();
    assert.deepEqual(createdSteps(result), []);
    assert.equal(sim.run.status?.phase, 'Failed');
    const validated = conditionOf(sim, 'Validated');
    assert.equal(validated?.status, 'False');
    assert.equal(validated?.reason, 'ValidationFailed');
    assert.match(validated?.message ?? '', /spec.steps\[0\].image: .*not pinned/);
    assert.match(validated?.message ?? '', /spec.steps\[0\].runAfter\[0\]: names no step/);
    assert.equal(conditionOf(sim, 'Succeeded')?.reason, 'ValidationFailed');
  });

  it('validates once per generation', () => {
    const sim = new Simulator(makeRun([step('a')]));
    sim.step();
    const validated = conditionOf(sim, 'Validated');
    sim.nowMs += 1_000;
    sim.step();
    assert.deepEqual(conditionOf(sim, 'Validated'), validated);
  });
});

describe('plan: restart safety', () => {
  it('adopts a child whose create landed when the status write did not', () => {
    const sim = new Simulator(makeRun([step('a')]));
    const before = sim.run;
    sim.step();
    sim.run = before; // the status write was lost; the child exists
    const result = sim.step();
    assert.deepEqual(createdSteps(result), [], 'adopted, not created again');
    assert.equal(sim.run.status?.steps[0]?.attempt, 1);
    assert.equal(sim.run.status?.steps[0]?.phase, 'Running');
  });

  it('does not create a child again while the cache has not seen it yet', () => {
    const sim = new Simulator(makeRun([step('a')]));
    sim.step();
    const result = sim.step(() => false);
    assert.deepEqual(createdSteps(result), []);
    assert.equal(sim.phaseOf('a'), 'Running');
  });

  it('counts a child that stays missing past the grace period as a failed attempt', () => {
    const sim = new Simulator(makeRun([step('a')]));
    sim.step();
    sim.children.clear();
    sim.nowMs += 61_000;
    sim.step();
    assert.equal(sim.run.status?.steps[0]?.reason, 'ChildMissing');
    assert.equal(sim.run.status?.phase, 'Failed');
  });

  it('is pure: the same inputs give the same plan and the input is not modified', () => {
    const run = makeRun([step('a'), step('b', { runAfter: ['a'] })]);
    const frozen = structuredClone(run);
    const observed = { attempts: [], workspaceExists: false };
    const now = new Date(T0);
    const first = plan(run, observed, now, { random: () => 0.3 });
    const second = plan(run, observed, now, { random: () => 0.3 });
    assert.deepEqual(first, second);
    assert.deepEqual(run, frozen);
  });
});
