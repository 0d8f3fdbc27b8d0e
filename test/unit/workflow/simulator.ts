/**
 * A tiny world for planner tests: it applies the planner's effects to a set of children,
 * persists the returned status as the API server would, and lets tests decide how each
 * attempt ends. No I/O, no timers: time is a number the test advances.
 */
import type { JsonObject } from '../../../src/api/primitives.ts';
import type { WorkflowExecution } from '../../../src/api/workflow-execution.ts';
import { plan } from '../../../src/workflow/plan.ts';
import type { Effect, ObservedAttempt, Plan } from '../../../src/workflow/plan-types.ts';

export interface SimulatedChild extends ObservedAttempt {
  inputs: JsonObject;
}

export class Simulator {
  run: WorkflowExecution;
  nowMs: number;
  readonly children = new Map<string, SimulatedChild>();
  readonly created: Effect[] = [];
  readonly deleted: string[] = [];
  readonly events: string[] = [];
  workspaceExists = false;
  private readonly random: () => number;

  constructor(run: WorkflowExecution, options: { nowMs?: number; random?: () => number } = {}) {
    this.run = run;
    this.nowMs = options.nowMs ?? Date.parse('2026-01-01T00:00:00Z');
    this.random = options.random ?? (() => 0.5);
  }

  /** One reconcile: plan against the observed children, apply effects, persist status. */
  step(observe: (child: SimulatedChild) => boolean = () => true): Plan {
    const attempts = [...this.children.values()].filter(observe);
    const result = plan(
      this.run,
      { attempts, workspaceExists: this.workspaceExists },
      new Date(this.nowMs),
      { random: this.random },
    );
    for (const effect of result.effects) this.apply(effect);
    this.run = { ...this.run, status: result.status };
    return result;
  }

  /** Ends a running child as the Job controller would. */
  complete(
    name: string,
    phase: 'Succeeded' | 'Failed',
    extra: Partial<ObservedAttempt> = {},
  ): void {
    const child = this.children.get(name);
    if (!child) throw new Error(`no child ${name}`);
    this.children.set(name, {
      ...child,
      phase,
      completedAt: new Date(this.nowMs).toISOString(),
      ...extra,
    });
  }

  running(): SimulatedChild[] {
    return [...this.children.values()].filter((child) => child.phase === 'Running');
  }

  phaseOf(step: string): string | undefined {
    return this.run.status?.steps.find((status) => status.name === step)?.phase;
  }

  private apply(effect: Effect): void {
    switch (effect.type) {
      case 'createAttempt':
        this.created.push(effect);
        // A second create of the same name answers AlreadyExists: the child stays as it is.
        if (!this.children.has(effect.name)) {
          this.children.set(effect.name, {
            step: effect.step,
            attempt: effect.attempt,
            name: effect.name,
            phase: 'Running',
            startedAt: new Date(this.nowMs).toISOString(),
            inputs: effect.inputs,
          });
        }
        break;
      case 'deleteAttempt':
        this.deleted.push(effect.name);
        this.children.delete(effect.name);
        break;
      case 'createWorkspace':
        this.workspaceExists = true;
        break;
      case 'deleteWorkspace':
        this.workspaceExists = false;
        break;
      case 'recordEvent':
        this.events.push(effect.reason);
        break;
      case 'requeueAt':
        break;
    }
  }
}
