/**
 * The WorkflowExecution reconciler: read the run and its children from the caches, plan,
 * apply the effects, then write the status with the run's resourceVersion. A 409 means
 * another writer was first: re-read, re-plan (effects are idempotent: deterministic names).
 */
import { isDeepStrictEqual } from 'node:util';
import { actionExecutionSchema } from '../api/action-execution.ts';
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  TERMINAL_RUN_PHASES,
  workflowExecutionSchema,
  type WorkflowExecution,
  type WorkflowExecutionStatus,
} from '../api/workflow-execution.ts';
import { buildActionExecution } from '../backends/jobs/build-action-execution.ts';
import {
  buildWorkspaceClaim,
  type WorkspaceOptions,
} from '../backends/jobs/build-workspace-claim.ts';
import { ignoreNotFound, isAlreadyExistsOrConflict, statusCodeOf } from '../kube/errors.ts';
import type { EventRecorder } from '../kube/event-recorder.ts';
import type { KubeGateway } from '../kube/kube-gateway.ts';
import type { Metrics } from '../observability/metrics.ts';
import { formatProblems, problemsFromZod } from '../workflow/problems.ts';
import { plan } from '../workflow/plan.ts';
import type { Effect } from '../workflow/plan-types.ts';
import type { ReconcileResult } from './work-queue.ts';
import { observeAttempt } from './observe-attempt.ts';
import { failInvalidRun } from './fail-invalid-run.ts';
import { WrittenVersions } from './written-versions.ts';

export interface RunReconcilerDeps {
  getRun(namespace: string, name: string): KubernetesObject | undefined;
  attemptsOf(runUid: string): KubernetesObject[];
  claimExists(namespace: string, name: string): boolean;
  gateway: KubeGateway;
  events: EventRecorder;
  metrics: Metrics;
  workspace: WorkspaceOptions;
  random: () => number;
  now: () => Date;
}

const MAX_CONFLICT_RETRIES = 3;

export class RunReconciler {
  private readonly deps: RunReconcilerDeps;
  private readonly written = new WrittenVersions();

  constructor(deps: RunReconcilerDeps) {
    this.deps = deps;
  }

  async reconcile(key: string): Promise<ReconcileResult | undefined> {
    const [namespace = '', name = ''] = key.split('/');
    const cached = this.deps.getRun(namespace, name);
    if (!cached) this.written.forget(key);
    if (this.written.isStale(key, cached?.metadata?.resourceVersion)) return undefined;
    let raw: unknown = cached;
    for (let attempt = 0; raw !== undefined; attempt++) {
      const outcome = await this.reconcileOnce(raw);
      if (outcome !== 'conflict') return outcome;
      if (attempt >= MAX_CONFLICT_RETRIES) throw new Error(`status of ${key} kept conflicting`);
      raw = await ignoreNotFound(this.deps.gateway.getRun(namespace, name));
    }
    return undefined;
  }

  private async reconcileOnce(raw: unknown): Promise<ReconcileResult | undefined | 'conflict'> {
    const parsed = workflowExecutionSchema.safeParse(raw);
    if (!parsed.success) {
      const message = formatProblems(problemsFromZod(parsed.error));
      const failed = failInvalidRun(raw, message, this.deps.now());
      if (!failed) return undefined;
      const event: Effect = {
        type: 'recordEvent',
        eventType: 'Warning',
        reason: 'ValidationFailed',
        message,
      };
      return this.writeStatus(failed.run, failed.previous, failed.status, [event]);
    }
    const run = parsed.data;
    const attempts = this.deps.attemptsOf(run.metadata.uid ?? '').flatMap((object) => {
      const action = actionExecutionSchema.safeParse(object);
      return action.success ? [observeAttempt(action.data)] : [];
    });
    const claimName = run.status?.workspace?.claimName;
    const observed = {
      attempts,
      workspaceExists:
        claimName !== undefined && this.deps.claimExists(run.metadata.namespace ?? '', claimName),
    };
    const result = plan(run, observed, this.deps.now(), { random: this.deps.random });
    const status: WorkflowExecutionStatus = {
      ...result.status,
      backend: run.status?.backend ?? {
        name: 'jobs',
        reason: 'the Jobs backend (V1) runs every workflow until routing flags say otherwise',
      },
    };
    await this.applyEffects(run, status, result.effects);
    const written = await this.writeStatus(run, run.status, status, result.effects);
    if (written === 'conflict') return written;
    const requeue = result.effects.find((effect) => effect.type === 'requeueAt');
    return requeue?.type === 'requeueAt' ? { requeueAtMs: Date.parse(requeue.at) } : undefined;
  }

  private async applyEffects(
    run: WorkflowExecution,
    status: WorkflowExecutionStatus,
    effects: Effect[],
  ): Promise<void> {
    const namespace = run.metadata.namespace ?? 'default';
    const { gateway } = this.deps;
    await Promise.all(
      effects.map(async (effect) => {
        switch (effect.type) {
          case 'createWorkspace':
            return adoptExisting(
              gateway.createClaim(buildWorkspaceClaim(run, effect.claimName, this.deps.workspace)),
            );
          case 'createAttempt': {
            const action = buildActionExecution(run, effect, {
              claimName: status.workspace?.claimName,
            });
            return adoptExisting(gateway.createActionExecution(action));
          }
          case 'deleteAttempt':
            return ignoreNotFound(gateway.deleteActionExecution(namespace, effect.name));
          case 'deleteWorkspace':
            return ignoreNotFound(gateway.deleteClaim(namespace, effect.claimName));
          default:
            return undefined;
        }
      }),
    );
  }

  /** Writes the status when it changed; Events only follow a write that landed. */
  private async writeStatus(
    run: WorkflowExecution,
    previous: WorkflowExecutionStatus | undefined,
    status: WorkflowExecutionStatus,
    effects: Effect[],
  ): Promise<undefined | 'conflict'> {
    if (isDeepStrictEqual(previous, status)) return undefined;
    try {
      await this.deps.gateway.replaceRunStatus({ ...run, status });
      this.written.wrote(
        `${run.metadata.namespace ?? ''}/${run.metadata.name ?? ''}`,
        run.metadata.resourceVersion,
      );
    } catch (error) {
      if (statusCodeOf(error) === 409) return 'conflict';
      throw error;
    }
    for (const effect of effects) {
      if (effect.type === 'recordEvent') {
        this.deps.events.record(run, effect.eventType, effect.reason, effect.message);
      }
    }
    this.countTransition(previous, status);
    return undefined;
  }

  private countTransition(
    previous: WorkflowExecutionStatus | undefined,
    status: WorkflowExecutionStatus,
  ): void {
    const backend = status.backend?.name ?? 'jobs';
    const { metrics } = this.deps;
    if (!previous?.startedAt && status.startedAt) metrics.runsStarted.inc({ backend });
    const wasFinal = previous?.phase !== undefined && TERMINAL_RUN_PHASES.has(previous.phase);
    if (!wasFinal && status.phase && TERMINAL_RUN_PHASES.has(status.phase)) {
      metrics.runsFinished.inc({ result: status.phase, backend });
      if (status.startedAt && status.completedAt) {
        const seconds = (Date.parse(status.completedAt) - Date.parse(status.startedAt)) / 1000;
        metrics.runDuration.observe({ result: status.phase, backend }, seconds);
      }
    }
  }
}

/** A create that answers 409 found the object made by an earlier attempt: adopt it. */
async function adoptExisting(request: Promise<unknown>): Promise<void> {
  try {
    await request;
  } catch (error) {
    if (!isAlreadyExistsOrConflict(error)) throw error;
  }
}
