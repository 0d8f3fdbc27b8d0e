/**
 * The planner: `plan(run, observedChildren, now)` → the next status and the effects that get
 * the world there. Pure and synchronous: the run's status is its only memory (invariant 1),
 * so any replica, after any crash, computes the same next step from the same observations.
 */
import { parseDuration } from '../api/duration.ts';
import type { StepStatus, WorkflowExecution } from '../api/workflow-execution.ts';
import { TERMINAL_RUN_PHASES } from '../api/workflow-execution.ts';
import type { WorkflowStep } from '../api/workflow-step.ts';
import { attemptName, workspaceClaimName } from './child-names.ts';
import { findCondition, setCondition } from './conditions.ts';
import type { Effect, ObservedAttempt, ObservedChildren, Plan, PlanOptions } from './plan-types.ts';
import { formatProblems } from './problems.ts';
import { resolveOutputReferences } from './output-references.ts';
import { retryDelayMs } from './retry-backoff.ts';
import { tidyFinishedRun } from './tidy-finished-run.ts';
import { validateSteps } from './validate-steps.ts';

export const CONDITION_VALIDATED = 'Validated';
export const CONDITION_SUCCEEDED = 'Succeeded';
export const DEFAULT_CHILD_MISSING_GRACE_MS = 60_000;

type Draft = Plan['status'];
type RunPhase = NonNullable<Draft['phase']>;

export function plan(
  run: WorkflowExecution,
  observed: ObservedChildren,
  now: Date,
  options: PlanOptions,
): Plan {
  return new Planner(run, observed, now, options).plan();
}

class Planner {
  private readonly effects: Effect[] = [];
  private readonly status: Draft;
  private readonly steps: StepStatus[];
  private readonly byName = new Map<string, StepStatus>();
  private readonly latest = new Map<string, ObservedAttempt>();
  private readonly nowIso: string;
  private readonly nowMs: number;
  private requeueMs = Number.POSITIVE_INFINITY;
  private readonly run: WorkflowExecution;
  private readonly observed: ObservedChildren;
  private readonly options: PlanOptions;

  constructor(run: WorkflowExecution, observed: ObservedChildren, now: Date, options: PlanOptions) {
    this.run = run;
    this.observed = observed;
    this.options = options;
    this.nowIso = now.toISOString();
    this.nowMs = now.getTime();
    const previous = run.status;
    this.status = {
      ...previous,
      steps: [],
      conditions: [...(previous?.conditions ?? [])],
      observedGeneration: run.metadata.generation ?? 0,
    };
    const known = new Map(previous?.steps.map((step) => [step.name, step]));
    this.steps = run.spec.steps.map((step) => ({
      ...(known.get(step.name) ?? { name: step.name, phase: 'Pending', attempt: 0 }),
    }));
    for (const step of this.steps) this.byName.set(step.name, step);
    for (const attempt of observed.attempts) {
      const seen = this.latest.get(attempt.step);
      if (!seen || attempt.attempt > seen.attempt) this.latest.set(attempt.step, attempt);
    }
  }

  plan(): Plan {
    if (this.status.phase && TERMINAL_RUN_PHASES.has(this.status.phase)) {
      const claimName = this.status.workspace?.claimName;
      const effects = tidyFinishedRun(this.runName(), this.observed, claimName, this.steps);
      return { status: { ...this.status, steps: this.steps }, effects };
    }
    if (!this.validate()) return this.result();
    const stopping = this.run.spec.cancel || this.run.metadata.deletionTimestamp !== undefined;
    const approval = this.run.spec.approval;
    // Nothing starts before approval. A rejection ends the run Cancelled, not Failed: nothing
    // ran and nothing broke, so it must not count towards a target's failure block (ADR 0017).
    if (approval?.required && approval.decision !== 'Approved') {
      if (approval.decision === 'Rejected') {
        const by = approval.decidedBy ? ` by ${approval.decidedBy}` : '';
        return this.stopAll('Cancelled', 'Rejected', `the run was rejected${by}`);
      }
      if (stopping) {
        return this.stopAll('Cancelled', 'Cancelled', 'the run was cancelled before approval');
      }
      return this.awaitApproval();
    }
    this.markStarted();
    this.status.phase = 'Running';
    this.run.spec.steps.forEach((spec, index) => {
      this.syncStep(spec, this.steps[index]);
    });
    if (stopping) return this.stopAll('Cancelled', 'Cancelled', 'the run was cancelled');
    if (this.workflowTimedOut()) {
      const timeout = this.run.spec.timeout ?? '';
      return this.stopAll(
        'Failed',
        'WorkflowTimeout',
        `the run exceeded its timeout of ${timeout}`,
      );
    }
    const failed = this.steps.find((step) => step.phase === 'Failed');
    if (failed) return this.drainAfterFailure(failed);
    if (this.run.spec.dryRun) return this.finishDryRun();
    this.run.spec.steps.forEach((spec, index) => {
      this.startIfReady(spec, this.steps[index]);
    });
    const failedToStart = this.steps.find((step) => step.phase === 'Failed');
    if (failedToStart) return this.drainAfterFailure(failedToStart);
    if (this.steps.every((step) => step.phase === 'Succeeded')) {
      return this.finish('Succeeded', 'Succeeded', `all ${this.steps.length} step(s) succeeded`);
    }
    this.setSucceeded('Unknown', 'Running', `${this.progress()} steps succeeded`);
    return this.result();
  }

  /** Only status changes: validate once per generation (validation is O(steps × edges)). */
  private validate(): boolean {
    const generation = this.status.observedGeneration ?? 0;
    const done = findCondition(this.status.conditions, CONDITION_VALIDATED);
    if (done?.status === 'True' && done.observedGeneration === generation) return true;
    const problems = validateSteps(this.run.spec.steps);
    if (problems.length === 0) {
      this.setCondition(CONDITION_VALIDATED, 'True', 'Valid', 'the workflow is valid');
      return true;
    }
    const message = formatProblems(problems);
    this.setCondition(CONDITION_VALIDATED, 'False', 'ValidationFailed', message);
    this.status.phase = 'Failed';
    this.status.completedAt = this.nowIso;
    for (const step of this.steps)
      if (step.phase === 'Pending') this.skip(step, 'ValidationFailed');
    this.setSucceeded('False', 'ValidationFailed', message);
    this.event('Warning', 'ValidationFailed', message);
    return false;
  }

  private awaitApproval(): Plan {
    if (this.status.phase !== 'AwaitingApproval') {
      this.event('Normal', 'AwaitingApproval', 'the run waits for approval');
    }
    this.status.phase = 'AwaitingApproval';
    this.setSucceeded('Unknown', 'AwaitingApproval', 'the run waits for approval');
    return this.result();
  }

  /** Folds what the step's newest child says into the step's status. */
  private syncStep(spec: WorkflowStep, step: StepStatus | undefined): void {
    if (!step) return;
    const latest = this.latest.get(step.name);
    if (latest && latest.attempt > step.attempt) this.adopt(step, latest);
    if (step.phase !== 'Running') return;
    const current = latest?.attempt === step.attempt ? latest : undefined;
    if (!current) {
      this.checkMissingChild(spec, step);
    } else if (current.phase === 'Succeeded') {
      step.phase = 'Succeeded';
      step.completedAt = current.completedAt ?? this.nowIso;
      step.outputs = current.outputs ?? {};
      step.reason = 'Succeeded';
      step.message = current.message;
      this.event('Normal', 'StepSucceeded', `step ${step.name} attempt ${step.attempt} succeeded`);
    } else if (current.phase === 'Failed') {
      this.attemptFailed(spec, step, current.reason ?? 'Failed', current.message);
    } else {
      this.checkStepTimeout(spec, step);
    }
  }

  /** Tolerates a cache that has not seen a new child yet, but not a child that is gone. */
  private checkMissingChild(spec: WorkflowStep, step: StepStatus): void {
    const grace = this.options.childMissingGraceMs ?? DEFAULT_CHILD_MISSING_GRACE_MS;
    const deadline = Date.parse(step.startedAt ?? this.nowIso) + grace;
    if (this.nowMs < deadline) {
      this.requeueAt(deadline);
      return;
    }
    // Delete it anyway: a child hidden by a stale cache must not outlive its attempt.
    this.deleteAttempt(step, 'ChildMissing');
    const child = step.childRef?.name ?? 'the child';
    const seconds = Math.round(grace / 1000);
    this.attemptFailed(spec, step, 'ChildMissing', `${child} was not seen for ${seconds}s`);
  }

  private checkStepTimeout(spec: WorkflowStep, step: StepStatus): void {
    const timeoutMs = parseDuration(spec.timeout ?? '');
    if (timeoutMs === undefined) return;
    const deadline = Date.parse(step.startedAt ?? this.nowIso) + timeoutMs;
    if (this.nowMs < deadline) {
      this.requeueAt(deadline);
      return;
    }
    this.deleteAttempt(step, 'StepTimeout');
    const message = `attempt ${step.attempt} ran longer than its timeout of ${spec.timeout ?? ''}`;
    this.attemptFailed(spec, step, 'StepTimeout', message);
  }

  /** A child newer than the status knows: its create landed but the status write did not. */
  private adopt(step: StepStatus, child: ObservedAttempt): void {
    step.attempt = child.attempt;
    step.phase = 'Running';
    step.startedAt = child.startedAt ?? this.nowIso;
    step.childRef = { kind: this.childKind(), name: child.name };
    delete step.completedAt;
    delete step.nextAttemptAt;
    delete step.reason;
    delete step.message;
  }

  private attemptFailed(
    spec: WorkflowStep,
    step: StepStatus,
    reason: string,
    message: string | undefined,
  ): void {
    step.reason = reason;
    step.message = message ?? `attempt ${step.attempt} failed: ${reason}`;
    if (step.attempt <= (spec.retries?.limit ?? 0)) {
      const delay = retryDelayMs(spec.retries, step.attempt, this.options.random);
      step.phase = 'Retrying';
      step.nextAttemptAt = new Date(this.nowMs + delay).toISOString();
      this.requeueAt(this.nowMs + delay);
      const text = `step ${step.name} attempt ${step.attempt} failed (${reason}); retrying in ${Math.ceil(delay / 1000)}s`;
      this.event('Warning', 'RetryScheduled', text);
      return;
    }
    step.phase = 'Failed';
    step.completedAt = this.nowIso;
    this.event('Warning', 'StepFailed', `step ${step.name} failed (${reason}): ${step.message}`);
  }

  private workflowTimedOut(): boolean {
    const timeoutMs = parseDuration(this.run.spec.timeout ?? '');
    if (timeoutMs === undefined) return false;
    const deadline = Date.parse(this.status.startedAt ?? this.nowIso) + timeoutMs;
    if (this.nowMs >= deadline) return true;
    this.requeueAt(deadline);
    return false;
  }

  /** After a step fails for good nothing new starts; the run ends when running steps end. */
  private drainAfterFailure(failed: StepStatus): Plan {
    for (const step of this.steps) {
      if (step.phase !== 'Retrying') continue;
      step.phase = 'Failed';
      step.completedAt = this.nowIso;
      step.message = `${step.message ?? ''}; not retried because step ${failed.name} failed`;
      delete step.nextAttemptAt;
    }
    if (this.steps.some((step) => step.phase === 'Running')) {
      this.setSucceeded(
        'Unknown',
        'Failing',
        `step ${failed.name} failed; waiting for running steps`,
      );
      return this.result();
    }
    const reason = failed.reason ?? 'Failed';
    return this.finish(
      'Failed',
      'StepFailed',
      `step ${failed.name} failed (${reason}): ${failed.message ?? ''}`,
    );
  }

  private markStarted(): void {
    if (this.status.startedAt) return;
    this.status.startedAt = this.nowIso;
    // A dry run starts no step: its one Event is the RunSucceeded that says so.
    if (this.run.spec.dryRun) return;
    this.event('Normal', 'RunStarted', `started ${this.steps.length} step(s)`);
  }

  private finishDryRun(): Plan {
    for (const step of this.steps) if (step.phase === 'Pending') this.skip(step, 'DryRun');
    const message = `dry run: ${this.steps.length} step(s) validated, none started`;
    return this.finish('Succeeded', 'DryRun', message);
  }

  private startIfReady(spec: WorkflowStep, step: StepStatus | undefined): void {
    if (!step) return;
    if (step.phase === 'Retrying') {
      const at = Date.parse(step.nextAttemptAt ?? this.nowIso);
      if (this.nowMs < at) {
        this.requeueAt(at);
        return;
      }
    } else if (step.phase !== 'Pending') return;
    else if (!spec.runAfter.every((name) => this.byName.get(name)?.phase === 'Succeeded')) return;

    const resolved = resolveOutputReferences(spec.inputs, (name) => this.byName.get(name)?.outputs);
    if (!resolved.ok) {
      step.phase = 'Failed';
      step.reason = 'OutputNotFound';
      step.message = `no such output: ${resolved.missing.map((ref) => ref.text).join(', ')}`;
      step.completedAt = this.nowIso;
      this.event(
        'Warning',
        'StepFailed',
        `step ${step.name} failed (OutputNotFound): ${step.message}`,
      );
      return;
    }
    if (spec.usesWorkspace && !this.status.workspace) {
      const claimName = workspaceClaimName(this.runName());
      this.status.workspace = { claimName };
      this.effects.push({ type: 'createWorkspace', claimName });
      this.event('Normal', 'WorkspaceCreated', `created workspace claim ${claimName}`);
    }
    const attempt = step.attempt + 1;
    const name = attemptName(this.runName(), step.name, attempt);
    const timeoutMs = parseDuration(spec.timeout ?? '');
    this.effects.push({
      type: 'createAttempt',
      step: step.name,
      attempt,
      name,
      actionType: spec.actionType,
      image: spec.image,
      inputs: resolved.value,
      usesWorkspace: spec.usesWorkspace,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
    step.phase = 'Running';
    step.attempt = attempt;
    step.startedAt = this.nowIso;
    step.childRef = { kind: this.childKind(), name };
    delete step.completedAt;
    delete step.nextAttemptAt;
    delete step.reason;
    delete step.message;
    if (timeoutMs !== undefined) this.requeueAt(this.nowMs + timeoutMs);
    this.event('Normal', 'StepStarted', `step ${step.name} attempt ${attempt} started as ${name}`);
  }

  /** Cancellation and workflow timeout: stop what runs, skip what never started, end the run. */
  private stopAll(phase: 'Cancelled' | 'Failed', reason: string, message: string): Plan {
    for (const step of this.steps) {
      if (step.phase === 'Running') {
        this.deleteAttempt(step, reason);
        step.phase = phase;
        step.reason = reason;
        step.message = message;
        step.completedAt = this.nowIso;
      }
    }
    return this.finish(phase, reason, message);
  }

  private finish(phase: RunPhase, reason: string, message: string): Plan {
    for (const step of this.steps) {
      if (step.phase === 'Pending' || step.phase === 'Retrying') this.skip(step, reason);
    }
    this.status.phase = phase;
    this.status.completedAt = this.nowIso;
    this.setSucceeded(phase === 'Succeeded' ? 'True' : 'False', reason, message);
    const eventType = phase === 'Succeeded' ? 'Normal' : 'Warning';
    this.event(eventType, `Run${phase}`, message);
    this.requeueMs = Number.POSITIVE_INFINITY;
    const claimName = this.status.workspace?.claimName;
    if (claimName || this.observed.workspaceExists) {
      this.effects.push({
        type: 'deleteWorkspace',
        claimName: claimName ?? workspaceClaimName(this.runName()),
      });
    }
    return this.result();
  }

  private skip(step: StepStatus, reason: string): void {
    step.phase = 'Skipped';
    step.reason = reason;
    delete step.nextAttemptAt;
  }

  private deleteAttempt(step: StepStatus, reason: string): void {
    const name = step.childRef?.name ?? attemptName(this.runName(), step.name, step.attempt);
    this.effects.push({
      type: 'deleteAttempt',
      step: step.name,
      attempt: step.attempt,
      name,
      reason,
    });
  }

  private setSucceeded(
    status: 'True' | 'False' | 'Unknown',
    reason: string,
    message: string,
  ): void {
    this.setCondition(CONDITION_SUCCEEDED, status, reason, message);
  }

  private setCondition(
    type: string,
    status: 'True' | 'False' | 'Unknown',
    reason: string,
    message: string,
  ): void {
    const observedGeneration = this.status.observedGeneration ?? 0;
    this.status.conditions = setCondition(
      this.status.conditions,
      { type, status, reason, message, observedGeneration },
      this.nowIso,
    );
  }

  private event(eventType: 'Normal' | 'Warning', reason: string, message: string): void {
    this.effects.push({ type: 'recordEvent', eventType, reason, message });
  }

  private requeueAt(ms: number): void {
    this.requeueMs = Math.min(this.requeueMs, ms);
  }

  private progress(): string {
    const succeeded = this.steps.filter((step) => step.phase === 'Succeeded').length;
    return `${succeeded}/${this.steps.length}`;
  }

  private runName(): string {
    return this.run.metadata.name ?? '';
  }

  private childKind(): string {
    return this.options.childKind ?? 'ActionExecution';
  }

  private result(): Plan {
    this.status.steps = this.steps;
    this.status.progress = this.progress();
    const terminal = this.status.phase !== undefined && TERMINAL_RUN_PHASES.has(this.status.phase);
    if (!terminal && Number.isFinite(this.requeueMs)) {
      this.effects.push({ type: 'requeueAt', at: new Date(this.requeueMs).toISOString() });
    }
    return { status: this.status, effects: this.effects };
  }
}
