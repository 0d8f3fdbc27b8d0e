/**
 * Property tests over random DAGs and random worlds: children that succeed or fail at
 * random, caches that lag, status writes that are lost. Whatever happens, the planner keeps
 * the invariants the engine relies on.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { TERMINAL_RUN_PHASES } from '../../../src/api/workflow-execution.ts';
import type { WorkflowStepInput } from '../../../src/api/workflow-step.ts';
import { makeRun, step } from '../../fixtures/workflows.ts';
import { Simulator } from './simulator.ts';

/** A random DAG: each step runs after a random subset of the steps before it. */
const dagArbitrary = fc.integer({ min: 1, max: 10 }).chain((count) =>
  fc.tuple(
    ...Array.from({ length: count }, (_, index) =>
      fc.record({
        runAfter: fc.subarray(Array.from({ length: index }, (_, before) => `s${before}`)),
        limit: fc.integer({ min: 0, max: 2 }),
        timeout: fc.constantFrom(undefined, '30s'),
      }),
    ),
  ),
);

function toSteps(
  dag: { runAfter: string[]; limit: number; timeout: string | undefined }[],
): WorkflowStepInput[] {
  return dag.map((node, index) =>
    step(`s${index}`, {
      runAfter: node.runAfter,
      retries: { limit: node.limit, backoff: { duration: '1s', factor: 2, maxDuration: '4s' } },
      ...(node.timeout ? { timeout: node.timeout } : {}),
    }),
  );
}

/** mulberry32: a small seeded PRNG, so fast-check can shrink and replay worlds. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface World {
  lagRate: number;
  lostWriteRate: number;
  failRate: number;
}

/** A decision on a run that requires approval, taken at a tick: until then nothing may start. */
interface ApprovalScript {
  decideAtTick: number;
  outcome: 'Approved' | 'Rejected' | 'cancel';
}

/** Runs the world until the run ends; checks the per-tick invariants along the way. */
function simulate(
  steps: WorkflowStepInput[],
  world: World,
  seed: number,
  approval?: ApprovalScript,
): Simulator {
  const random = seededRandom(seed);
  const sim = new Simulator(makeRun(steps, approvalOverrides(approval)), { random });
  const dependencies = new Map(steps.map((item) => [item.name, item.runAfter ?? []]));
  const seen = new Set<string>();
  let draining = false;
  for (let tick = 0; tick < 400; tick++) {
    draining ||= tick >= 300; // after a while the world calms down: no lag, no loss
    // A decision is a spec write: a lost status write later does not undo it.
    decideIfDue(sim, approval, tick);
    const before = sim.run;
    const succeededSteps = new Set(
      [...sim.children.values()]
        .filter((child) => child.phase === 'Succeeded')
        .map((child) => child.step),
    );
    // An informer cache lags behind the API server, but once it has seen an object it
    // keeps it until the object is deleted: a child appears late, never flickers.
    const result = sim.step((child) => {
      if (draining || seen.has(child.name) || random() >= world.lagRate) seen.add(child.name);
      return seen.has(child.name);
    });
    assertNothingBeforeDecision(sim, approval, tick);
    for (const effect of result.effects) {
      if (effect.type !== 'createAttempt') continue;
      for (const dependency of dependencies.get(effect.step) ?? []) {
        assert.ok(
          succeededSteps.has(dependency),
          `${effect.step} started before ${dependency} succeeded`,
        );
      }
    }
    if (!draining && random() < world.lostWriteRate) sim.run = before;
    const ended = sim.run.status?.phase && TERMINAL_RUN_PHASES.has(sim.run.status.phase);
    // A finished run keeps being reconciled while children it did not know of still run.
    if (ended && sim.running().length === 0) return sim;
    if (ended) draining = true;
    for (const child of sim.running()) {
      if (draining || random() < 0.5) {
        sim.complete(child.name, !draining && random() < world.failRate ? 'Failed' : 'Succeeded', {
          outputs: {},
        });
      }
    }
    sim.nowMs += Math.floor(random() * 20_000);
  }
  return sim;
}

function approvalOverrides(approval: ApprovalScript | undefined) {
  return approval ? { approval: { required: true } } : {};
}

function assertNothingBeforeDecision(
  sim: Simulator,
  approval: ApprovalScript | undefined,
  tick: number,
): void {
  if (!approval || tick >= approval.decideAtTick) return;
  assert.equal(sim.created.length, 0, 'a step started before approval');
  assert.equal(sim.run.status?.phase, 'AwaitingApproval');
}

function decideIfDue(sim: Simulator, approval: ApprovalScript | undefined, tick: number): void {
  if (!approval || tick !== approval.decideAtTick) return;
  const { outcome } = approval;
  const { spec } = sim.run;
  sim.run = {
    ...sim.run,
    spec:
      outcome === 'cancel'
        ? { ...spec, cancel: true }
        : { ...spec, approval: { required: true, decision: outcome, decidedBy: 'approver' } },
  };
}

const worldArbitrary = fc.record({
  lagRate: fc.constantFrom(0, 0.3),
  lostWriteRate: fc.constantFrom(0, 0.2),
  failRate: fc.constantFrom(0, 0.3, 0.7),
});

describe('plan (properties)', () => {
  it('never starts a step before its dependencies succeed, and every run ends', () => {
    fc.assert(
      fc.property(dagArbitrary, worldArbitrary, fc.integer(), (dag, world, seed) => {
        const sim = simulate(toSteps(dag), world, seed);
        const phase = sim.run.status?.phase;
        assert.ok(phase && TERMINAL_RUN_PHASES.has(phase), `run ended ${String(phase)}`);
        assert.equal(sim.running().length, 0, 'no child left running');
      }),
      { numRuns: 300 },
    );
  });

  it('creates each step attempt once, numbers attempts 1..n within the retry limit', () => {
    fc.assert(
      fc.property(dagArbitrary, worldArbitrary, fc.integer(), (dag, world, seed) => {
        const sim = simulate(toSteps(dag), world, seed);
        const namesByAttempt = new Map<string, Set<string>>();
        for (const effect of sim.created) {
          if (effect.type !== 'createAttempt') continue;
          const key = `${effect.step}#${effect.attempt}`;
          namesByAttempt.set(key, (namesByAttempt.get(key) ?? new Set()).add(effect.name));
        }
        for (const [key, names] of namesByAttempt)
          assert.equal(names.size, 1, `${key} got ${names.size} names`);
        dag.forEach((node, index) => {
          const attempts = [...namesByAttempt.keys()]
            .filter((key) => key.startsWith(`s${index}#`))
            .map((key) => Number(key.split('#')[1]))
            .sort((a, b) => a - b);
          assert.ok(attempts.length <= node.limit + 1, `s${index} ran ${attempts.length} attempts`);
          assert.deepEqual(
            attempts,
            attempts.map((_, position) => position + 1),
          );
        });
        if (world.lagRate === 0 && world.lostWriteRate === 0) {
          assert.equal(
            namesByAttempt.size,
            sim.created.length,
            'with a perfect cache no create repeats',
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  it('ends Succeeded exactly when every step succeeded', () => {
    fc.assert(
      fc.property(dagArbitrary, worldArbitrary, fc.integer(), (dag, world, seed) => {
        const sim = simulate(toSteps(dag), world, seed);
        const steps = sim.run.status?.steps ?? [];
        const allSucceeded = steps.every((status) => status.phase === 'Succeeded');
        assert.equal(sim.run.status?.phase === 'Succeeded', allSucceeded);
        if (sim.run.status?.phase === 'Failed') {
          assert.ok(
            steps.some((status) => status.phase === 'Failed'),
            'a failed run names a failed step',
          );
        }
        for (const status of steps) {
          if (status.phase === 'Skipped')
            assert.equal(status.attempt, 0, `${status.name} skipped after it ran`);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('starts nothing before approval; rejected or cancelled runs never start; approved runs end', () => {
    const approvalArbitrary = fc.record({
      decideAtTick: fc.integer({ min: 0, max: 6 }),
      outcome: fc.constantFrom('Approved' as const, 'Rejected' as const, 'cancel' as const),
    });
    fc.assert(
      fc.property(
        dagArbitrary,
        worldArbitrary,
        fc.integer(),
        approvalArbitrary,
        (dag, world, seed, approval) => {
          const sim = simulate(toSteps(dag), world, seed, approval);
          const phase = sim.run.status?.phase;
          assert.ok(phase && TERMINAL_RUN_PHASES.has(phase), `run ended ${String(phase)}`);
          if (approval.outcome === 'Approved') {
            const steps = sim.run.status?.steps ?? [];
            assert.equal(
              phase === 'Succeeded',
              steps.every((step) => step.phase === 'Succeeded'),
            );
            return;
          }
          assert.equal(phase, 'Cancelled');
          assert.equal(sim.created.length, 0, 'a rejected or cancelled run started a step');
          const reason = sim.run.status?.conditions.find((c) => c.type === 'Succeeded')?.reason;
          assert.equal(reason, approval.outcome === 'Rejected' ? 'Rejected' : 'Cancelled');
        },
      ),
      { numRuns: 300 },
    );
  });
});
