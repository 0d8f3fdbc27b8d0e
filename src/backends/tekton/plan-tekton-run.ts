/**
 * The Tekton backend's planner (pure, like src/workflow/plan.ts): from the run and what the
 * caches show of its PipelineRun and TaskRuns, the run's next status and the effects. Tekton
 * orchestrates the steps; this only decides when the PipelineRun is created or cancelled and
 * folds Tekton's conditions into the same status shape as the Jobs backend.
 *
 * Before the PipelineRun exists, the V1 planner decides the run's gates (validation,
 * approval, dry run, cancel before start), so both backends treat them identically.
 */
import type { StepStatus, WorkflowExecution } from '../../api/workflow-execution.ts';
import { TERMINAL_RUN_PHASES } from '../../api/workflow-execution.ts';
import { setCondition } from '../../workflow/conditions.ts';
import { CONDITION_SUCCEEDED, DEFAULT_CHILD_MISSING_GRACE_MS, plan } from '../../workflow/plan.ts';
import type { Plan } from '../../workflow/plan-types.ts';
import { observeTaskRun } from './observe-task-run.ts';
import {
  succeededCondition,
  type PipelineRun,
  type TaskRun,
  type TektonCondition,
} from './tekton-types.ts';
import { stepEvents, type RecordEvent } from './step-events.ts';

export interface ObservedPipeline {
  pipelineRun: PipelineRun | undefined;
  taskRuns: readonly TaskRun[];
}

export type TektonEffect =
  | { type: 'createPipelineRun' }
  | { type: 'cancelPipelineRun'; name: string }
  | RecordEvent
  | { type: 'requeueAt'; at: string };

export interface TektonPlan {
  status: Plan['status'];
  effects: TektonEffect[];
}

export interface TektonPlanOptions {
  random: () => number;
  /** How long a created PipelineRun may be missing from the cache before the run fails. */
  missingGraceMs?: number;
}

type RunPhase = NonNullable<Plan['status']['phase']>;
const PIPELINE_TASK_LABEL = 'tekton.dev/pipelineTask';
const RESULTS_MISSING = 'Results were missing';

export function planTektonRun(
  run: WorkflowExecution,
  observed: ObservedPipeline,
  now: Date,
  options: TektonPlanOptions,
): TektonPlan {
  const previous = run.status;
  const { pipelineRun } = observed;
  if (previous?.phase && TERMINAL_RUN_PHASES.has(previous.phase)) {
    return { status: previous, effects: cancelIfRunning(pipelineRun) };
  }
  if (!previous?.startedAt && !pipelineRun) return start(run, now, options);
  return new Sync(run, observed, now, options).plan();
}

/** A PipelineRun still running after its run ended (a cancel not yet seen) is cancelled. */
function cancelIfRunning(pipelineRun: PipelineRun | undefined): TektonEffect[] {
  const condition = succeededCondition(pipelineRun?.status);
  const done = condition?.status === 'True' || condition?.status === 'False';
  if (!pipelineRun || done || pipelineRun.spec.status === 'Cancelled') return [];
  return [{ type: 'cancelPipelineRun', name: pipelineRun.metadata.name ?? '' }];
}

/** The V1 planner's gates first; when it would start steps, the PipelineRun is created. */
function start(run: WorkflowExecution, now: Date, options: TektonPlanOptions): TektonPlan {
  const gate = plan(run, { attempts: [], workspaceExists: false }, now, {
    random: options.random,
    childKind: 'TaskRun',
  });
  const events = gate.effects.filter((effect) => effect.type === 'recordEvent');
  if (gate.status.phase !== 'Running') return { status: gate.status, effects: events };
  const status = { ...gate.status };
  delete status.workspace;
  const steps: StepStatus[] = run.spec.steps.map((step) => ({
    name: step.name,
    phase: 'Pending',
    attempt: 0,
  }));
  const message = `0/${steps.length} steps succeeded`;
  return {
    status: {
      ...status,
      steps,
      progress: `0/${steps.length}`,
      conditions: setCondition(
        status.conditions,
        {
          type: CONDITION_SUCCEEDED,
          status: 'Unknown',
          reason: 'Running',
          message,
          observedGeneration: status.observedGeneration ?? 0,
        },
        now.toISOString(),
      ),
    },
    effects: [
      ...events.filter((effect) => effect.reason === 'RunStarted'),
      { type: 'createPipelineRun' },
      {
        type: 'recordEvent',
        eventType: 'Normal',
        reason: 'PipelineRunCreated',
        message: `created PipelineRun ${run.metadata.name ?? ''} with ${steps.length} task(s)`,
      },
    ],
  };
}

class Sync {
  private readonly effects: TektonEffect[] = [];
  private readonly status: Plan['status'];
  private readonly nowIso: string;
  private readonly run: WorkflowExecution;
  private readonly observed: ObservedPipeline;
  private readonly now: Date;
  private readonly options: TektonPlanOptions;

  constructor(
    run: WorkflowExecution,
    observed: ObservedPipeline,
    now: Date,
    options: TektonPlanOptions,
  ) {
    this.run = run;
    this.observed = observed;
    this.now = now;
    this.options = options;
    this.nowIso = now.toISOString();
    this.status = {
      ...run.status,
      steps: [],
      conditions: [...(run.status?.conditions ?? [])],
      observedGeneration: run.metadata.generation ?? 0,
    };
  }

  plan(): TektonPlan {
    const { pipelineRun } = this.observed;
    this.status.phase = 'Running';
    // A PipelineRun whose create landed while the status write that followed did not.
    this.status.startedAt ??= pipelineRun?.status?.startTime ?? this.nowIso;
    this.status.steps = this.syncSteps();
    const stopping = this.run.spec.cancel || this.run.metadata.deletionTimestamp !== undefined;
    if (stopping) {
      this.effects.push(...cancelIfRunning(pipelineRun));
      return this.stopAll('Cancelled', 'Cancelled', 'the run was cancelled');
    }
    if (!pipelineRun) return this.waitForPipelineRun();
    return this.follow(succeededCondition(pipelineRun.status));
  }

  /** The run's phase from the PipelineRun's Succeeded condition and the steps' phases. */
  private follow(condition: TektonCondition | undefined): TektonPlan {
    const ended = condition?.status === 'True' || condition?.status === 'False';
    const failed = this.status.steps.find((step) => step.phase === 'Failed');
    if (ended && condition.status === 'False') {
      const stopped = this.stoppedByTekton(condition.reason, failed !== undefined);
      if (stopped) return stopped;
    }
    // The caches may show the PipelineRun's end before the TaskRun's: wait for the steps.
    const done = ended && !this.status.steps.some((step) => step.phase === 'Running');
    if (failed) {
      const text = `step ${failed.name} failed (${failed.reason ?? 'Failed'}): ${failed.message ?? ''}`;
      if (done) return this.finish('Failed', 'StepFailed', text);
      return this.result('Failing', `step ${failed.name} failed; waiting for running steps`);
    }
    if (!done) return this.result('Running', `${this.progress()} steps succeeded`);
    if (condition.status === 'False') {
      return this.finish('Failed', condition.reason ?? 'Failed', condition.message ?? '');
    }
    const count = this.status.steps.length;
    return this.finish('Succeeded', 'Succeeded', `all ${count} step(s) succeeded`);
  }

  /** The pipeline's timeout and a cancel made outside the dispatcher end every step. */
  private stoppedByTekton(reason: string | undefined, stepFailed: boolean): TektonPlan | undefined {
    if (reason === 'PipelineRunTimeout') {
      const timeout = this.run.spec.timeout ?? '';
      return this.stopAll(
        'Failed',
        'WorkflowTimeout',
        `the run exceeded its timeout of ${timeout}`,
      );
    }
    if (reason === 'Cancelled' && !stepFailed) {
      return this.stopAll('Cancelled', 'Cancelled', 'the PipelineRun was cancelled');
    }
    return undefined;
  }

  /** Each step from its TaskRun, or from the PipelineRun's skipped tasks when it has none. */
  private syncSteps(): StepStatus[] {
    const byTask = new Map(
      this.observed.taskRuns.map((taskRun) => [
        taskRun.metadata?.labels?.[PIPELINE_TASK_LABEL] ?? '',
        taskRun,
      ]),
    );
    const skipped = new Map(
      (this.observed.pipelineRun?.status?.skippedTasks ?? []).map((task) => [task.name, task]),
    );
    const known = new Map(this.run.status?.steps.map((step) => [step.name, step]));
    return this.run.spec.steps.map((spec) => {
      const previous = known.get(spec.name) ?? { name: spec.name, phase: 'Pending', attempt: 0 };
      const taskRun = byTask.get(spec.name);
      let next: StepStatus = { ...previous };
      if (taskRun) {
        next = { name: spec.name, ...observeTaskRun(taskRun, this.nowIso) };
      } else if (skipped.get(spec.name)?.reason === RESULTS_MISSING) {
        const message = `no such output: the outputs of ${spec.runAfter.join(', ')} are missing`;
        next = { ...previous, phase: 'Failed', reason: 'OutputNotFound', message };
        next.completedAt = this.nowIso;
      }
      this.effects.push(...stepEvents(previous, next));
      return next;
    });
  }

  private waitForPipelineRun(): TektonPlan {
    const grace = this.options.missingGraceMs ?? DEFAULT_CHILD_MISSING_GRACE_MS;
    const deadline = Date.parse(this.status.startedAt ?? this.nowIso) + grace;
    if (this.now.getTime() < deadline) {
      this.effects.push({ type: 'requeueAt', at: new Date(deadline).toISOString() });
      return this.result('Running', `${this.progress()} steps succeeded`);
    }
    const seconds = Math.round(grace / 1000);
    const message = `PipelineRun ${this.run.metadata.name ?? ''} was not seen for ${seconds}s`;
    return this.stopAll('Failed', 'PipelineRunMissing', message);
  }

  /** Cancellation and timeout: running steps end with the run's phase, as on the Jobs backend. */
  private stopAll(phase: 'Cancelled' | 'Failed', reason: string, message: string): TektonPlan {
    for (const step of this.status.steps) {
      const stopped =
        step.phase === 'Running' || (step.phase === 'Cancelled' && phase === 'Failed');
      if (!stopped) continue;
      step.phase = phase;
      step.reason = reason;
      step.message = message;
      step.completedAt ??= this.nowIso;
    }
    return this.finish(phase, reason, message);
  }

  private finish(phase: RunPhase, reason: string, message: string): TektonPlan {
    for (const step of this.status.steps) {
      if (step.phase === 'Pending' || step.phase === 'Retrying') {
        step.phase = 'Skipped';
        step.reason = reason;
        delete step.nextAttemptAt;
      }
    }
    this.status.phase = phase;
    const completion = this.observed.pipelineRun?.status?.completionTime;
    this.status.completedAt = completion ?? this.nowIso;
    this.setSucceeded(phase === 'Succeeded' ? 'True' : 'False', reason, message);
    this.effects.push({
      type: 'recordEvent',
      eventType: phase === 'Succeeded' ? 'Normal' : 'Warning',
      reason: `Run${phase}`,
      message,
    });
    return this.done();
  }

  private result(reason: string, message: string): TektonPlan {
    this.setSucceeded('Unknown', reason, message);
    return this.done();
  }

  private done(): TektonPlan {
    this.status.progress = this.progress();
    return { status: this.status, effects: this.effects };
  }

  private setSucceeded(status: 'True' | 'False' | 'Unknown', reason: string, message: string) {
    this.status.conditions = setCondition(
      this.status.conditions,
      {
        type: CONDITION_SUCCEEDED,
        status,
        reason,
        message,
        observedGeneration: this.status.observedGeneration ?? 0,
      },
      this.nowIso,
    );
  }

  private progress(): string {
    const steps = this.status.steps;
    return `${steps.filter((step) => step.phase === 'Succeeded').length}/${steps.length}`;
  }
}
