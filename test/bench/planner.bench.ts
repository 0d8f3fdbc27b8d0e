/**
 * plan() throughput and latency on fan-out / fan-in workflows of 20, 200 and 2,000 steps,
 * in the steady state of a reconcile (run validated, some steps done, some running).
 * Target (issue 2): >= 20,000 plans/s on one core for 20 steps, O(steps + edges) per call.
 */
import type { WorkflowExecution } from '../../src/api/workflow-execution.ts';
import { plan } from '../../src/workflow/plan.ts';
import type { ObservedAttempt } from '../../src/workflow/plan-types.ts';
import { fanOutFanIn, makeRun } from '../fixtures/workflows.ts';
import { timeLoop, type BenchRow } from './harness.ts';

const NOW = new Date('2026-01-01T00:00:10Z');
const STARTED = '2026-01-01T00:00:00Z';

/** A run mid-flight: root done, the first half of the fan-out done, the rest running. */
function midFlight(count: number): { run: WorkflowExecution; attempts: ObservedAttempt[] } {
  const run = makeRun(fanOutFanIn(count), { name: 'bench' });
  const attempts: ObservedAttempt[] = [];
  const steps = run.spec.steps.map((step, index) => {
    const done = index === 0 || (index < count - 1 && index <= count / 2);
    const running = !done && index < count - 1;
    if (done || running) {
      attempts.push({
        step: step.name,
        attempt: 1,
        name: `bench-${step.name}-1`,
        phase: done ? 'Succeeded' : 'Running',
        startedAt: STARTED,
        ...(done ? { completedAt: STARTED, outputs: { id: 'x' } } : {}),
      });
    }
    return {
      name: step.name,
      phase: done ? ('Succeeded' as const) : running ? ('Running' as const) : ('Pending' as const),
      attempt: done || running ? 1 : 0,
      ...(done || running
        ? {
            startedAt: STARTED,
            childRef: { kind: 'ActionExecution', name: `bench-${step.name}-1` },
          }
        : {}),
      ...(done ? { outputs: { id: 'x' } } : {}),
    };
  });
  // One plan call validates and records the Validated condition, as the first reconcile does.
  const first = plan(
    { ...run, status: { steps, conditions: [], phase: 'Running', startedAt: STARTED } },
    { attempts, workspaceExists: false },
    NOW,
    { random: Math.random },
  );
  return { run: { ...run, status: { ...first.status, steps } }, attempts };
}

export function benchPlanner(): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const count of [20, 200, 2_000]) {
    const { run, attempts } = midFlight(count);
    const observed = { attempts, workspaceExists: false };
    const options = { random: Math.random };
    const result = timeLoop(() => plan(run, observed, NOW, options), {
      maxIterations: 200_000,
      maxMs: 1_500,
    });
    const edges = run.spec.steps.reduce((total, step) => total + step.runAfter.length, 0);
    rows.push({
      suite: 'planner',
      name: `plan() ${count} steps`,
      opsPerSec: result.opsPerSec,
      p50Ms: result.p50Ms,
      p99Ms: result.p99Ms,
      usPerStepAndEdge: (1000 * result.p50Ms) / (count + edges),
      notes: `${count + edges} steps+edges, ${result.iterations} calls${count === 20 ? '; target >= 20,000/s' : ''}`,
    });
  }
  const twenty = makeRun(fanOutFanIn(20), { name: 'bench' });
  const first = timeLoop(
    () => plan(twenty, { attempts: [], workspaceExists: false }, NOW, { random: Math.random }),
    { maxIterations: 50_000, maxMs: 1_000 },
  );
  rows.push({
    suite: 'planner',
    name: 'first plan() 20 steps (validates)',
    opsPerSec: first.opsPerSec,
    p50Ms: first.p50Ms,
    p99Ms: first.p99Ms,
    notes: 'includes DAG validation',
  });
  return rows;
}
