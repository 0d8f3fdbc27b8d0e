/**
 * The thin I/O of the Tekton backend for one run: read the PipelineRun and TaskRuns from the
 * caches, plan (planTektonRun, pure), then apply: pre-flight every step and create the
 * PipelineRun (the kubernaut-action Task first, once per namespace), or cancel it. The run
 * reconciler writes the status it returns, as for the Jobs backend.
 */
import type { WorkflowExecution, WorkflowExecutionStatus } from '../api/workflow-execution.ts';
import { loadActionTask } from '../backends/tekton/action-task.ts';
import { buildPipelineRun } from '../backends/tekton/build-pipeline-run.ts';
import { failBeforeStart } from '../backends/tekton/fail-before-start.ts';
import {
  planTektonRun,
  type ObservedPipeline,
  type TektonEffect,
} from '../backends/tekton/plan-tekton-run.ts';
import { preflightSteps } from '../backends/tekton/preflight.ts';
import type { WorkspaceOptions } from '../backends/jobs/build-workspace-claim.ts';
import type { StepStartCheck } from '../backends/jobs/step-start-check.ts';
import { adoptExisting, ignoreNotFound, statusCodeOf } from '../kube/errors.ts';
import type { KubeGateway } from '../kube/kube-gateway.ts';
import type { Metrics } from '../observability/metrics.ts';
import { pipelineRunName } from '../workflow/child-names.ts';

/** Answers that a retry cannot change: bad request, forbidden, invalid. */
const REFUSED = new Set([400, 403, 422]);

function messageOf(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      const status = JSON.parse(body) as { message?: unknown };
      if (typeof status.message === 'string') return status.message;
    } catch {
      return body;
    }
  }
  return error instanceof Error ? error.message : String(error);
}

export interface TektonRunnerDeps {
  observe(run: WorkflowExecution): ObservedPipeline;
  gateway: KubeGateway;
  metrics: Metrics;
  check: StepStartCheck;
  workspace: WorkspaceOptions;
  serviceAccountName: string;
  random: () => number;
  now: () => Date;
}

export interface TektonStep {
  status: WorkflowExecutionStatus;
  effects: TektonEffect[];
}

export class TektonRunner {
  private readonly deps: TektonRunnerDeps;
  /** Namespaces where the kubernaut-action Task is known to exist (a cache: lost on restart). */
  private readonly taskNamespaces = new Set<string>();

  constructor(deps: TektonRunnerDeps) {
    this.deps = deps;
  }

  async reconcile(run: WorkflowExecution): Promise<TektonStep> {
    const now = this.deps.now();
    const planned = planTektonRun(run, this.deps.observe(run), now, { random: this.deps.random });
    const namespace = run.metadata.namespace ?? 'default';
    for (const effect of planned.effects) {
      if (effect.type === 'cancelPipelineRun') {
        await ignoreNotFound(this.deps.gateway.cancelPipelineRun(namespace, effect.name));
      }
    }
    if (!planned.effects.some((effect) => effect.type === 'createPipelineRun')) return planned;
    const preflight = await preflightSteps(run, this.deps.check, (result) => {
      this.deps.metrics.imageVerifications.inc({ result: result.ok ? 'passed' : result.reason });
    });
    if (!preflight.ok) {
      const failed = failBeforeStart(planned.status, preflight, now);
      const started = planned.effects.filter(
        (effect) => effect.type === 'recordEvent' && effect.reason === 'RunStarted',
      );
      return { status: failed.status, effects: [...started, ...failed.events] };
    }
    await this.ensureActionTask(namespace);
    const pipelineRun = buildPipelineRun(run, {
      workspace: this.deps.workspace,
      serviceAccountName: this.deps.serviceAccountName,
      verified: preflight.verified,
    });
    try {
      await adoptExisting(this.deps.gateway.createTektonObject('pipelineruns', pipelineRun));
    } catch (error) {
      // Refused for good (invalid, forbidden): fail the run with the reason, never retry forever.
      const code = statusCodeOf(error);
      if (code === undefined || !REFUSED.has(code)) throw error;
      const message = `the API server refused PipelineRun ${pipelineRun.metadata.name ?? ''} (HTTP ${String(code)}): ${messageOf(error)}`;
      const step = run.spec.steps[0]?.name ?? '';
      const failed = failBeforeStart(
        planned.status,
        { step, reason: 'PipelineRunRejected', message },
        now,
      );
      return { status: failed.status, effects: failed.events };
    }
    return planned;
  }

  /** The PipelineRun's tasks refer to the Task by name, in the run's namespace. */
  private async ensureActionTask(namespace: string): Promise<void> {
    if (this.taskNamespaces.has(namespace)) return;
    await adoptExisting(this.deps.gateway.createTektonObject('tasks', loadActionTask(namespace)));
    this.taskNamespaces.add(namespace);
  }
}

export const pipelineRunNameOf = (run: WorkflowExecution): string =>
  pipelineRunName(run.metadata.name ?? '');
