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
import { adoptExisting, ignoreNotFound, statusCodeOf } from '../kube/errors.ts';
import type { EventRecorder } from '../kube/event-recorder.ts';
import type { KubeGateway } from '../kube/kube-gateway.ts';
import { keyOf } from '../kube/informer.ts';
import type { Metrics } from '../observability/metrics.ts';
import { formatProblems, problemsFromZod } from '../workflow/problems.ts';
import { plan } from '../workflow/plan.ts';
import type { Effect } from '../workflow/plan-types.ts';
import type { BackendDecision } from '../routing/decide-backend.ts';
import type { TektonEffect } from '../backends/tekton/plan-tekton-run.ts';
import { tektonUnavailable } from '../backends/tekton/fail-before-start.ts';
import type { TektonRunner } from './tekton-runner.ts';
import type { ReconcileResult } from './work-queue.ts';
import { observeAttempt } from './observe-attempt.ts';
import { failInvalidRun } from './fail-invalid-run.ts';
import { WrittenVersions } from './written-versions.ts';
import { childrenState, SettledRuns, type RunChildren } from './settled-runs.ts';
import { countRunTransition } from './count-run-transition.ts';

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
  /** Chooses the backend of a run that has none yet (routing flags; sticky once written). */
  route: (run: WorkflowExecution) => BackendDecision;
  /** The Tekton backend, when Tekton is installed. */
  tekton: () => TektonRunner | undefined;
}

const MAX_CONFLICT_RETRIES = 3;

/** What `childrenOf` reads of a run: parsed, or as the cache holds it. */
interface RunChildrenRef {
  metadata?: { uid?: string; namespace?: string };
  status?: { workspace?: { claimName?: string } };
}

type Backend = NonNullable<WorkflowExecutionStatus['backend']>;
type EventEffect = Extract<Effect, { type: 'recordEvent' }>;

export class RunReconciler {
  private readonly deps: RunReconcilerDeps;
  private readonly written = new WrittenVersions();
  private readonly settled = new SettledRuns();

  constructor(deps: RunReconcilerDeps) {
    this.deps = deps;
  }

  async reconcile(key: string): Promise<ReconcileResult | undefined> {
    const [namespace = '', name = ''] = key.split('/');
    const cached = this.deps.getRun(namespace, name);
    if (!cached) {
      this.written.forget(key);
      this.settled.forget(key);
    }
    if (this.written.isStale(key, cached?.metadata?.resourceVersion)) {
      // A change came in while the cache was behind our write: the write's own event must
      // reconcile in full.
      this.settled.forget(key);
      return undefined;
    }
    if (cached && this.isSettled(key, cached)) return undefined;
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
      const written = await this.writeStatus(failed.run, failed.previous, failed.status, [event]);
      return written === 'conflict' ? written : undefined;
    }
    const run = parsed.data;
    const { backend, routed } = this.backendOf(run);
    if (backend.name === 'tekton') return this.reconcileTekton(run, backend);
    const children = this.childrenOf(run);
    const observed = {
      attempts: children.attempts.flatMap((object) => {
        const action = actionExecutionSchema.safeParse(object);
        return action.success ? [observeAttempt(action.data)] : [];
      }),
      workspaceExists: children.workspaceExists,
    };
    const result = plan(run, observed, this.deps.now(), { random: this.deps.random });
    const status: WorkflowExecutionStatus = { ...result.status, backend };
    await this.applyEffects(run, status, result.effects);
    const written = await this.writeStatus(run, run.status, status, [...result.effects, ...routed]);
    if (written === 'conflict') return written;
    if (written !== undefined && status.phase && TERMINAL_RUN_PHASES.has(status.phase)) {
      this.settled.settle(keyOf(run), written.resourceVersion, childrenState(children));
    }
    const requeue = result.effects.find((effect) => effect.type === 'requeueAt');
    return requeue?.type === 'requeueAt' ? { requeueAtMs: Date.parse(requeue.at) } : undefined;
  }

  /** The run's backend: sticky once in status.backend, else what the routing flags say. */
  private backendOf(run: WorkflowExecution): { backend: Backend; routed: EventEffect[] } {
    if (run.status?.backend) return { backend: run.status.backend, routed: [] };
    if (run.status?.startedAt) {
      // Started by a dispatcher that predates routing: it can only be on Jobs.
      return { backend: { name: 'jobs', reason: 'started before backend routing' }, routed: [] };
    }
    const decision = this.deps.route(run);
    const backend = { name: decision.name, reason: decision.reason };
    if (!decision.fellBack) return { backend, routed: [] };
    const message = decision.reason;
    return {
      backend,
      routed: [
        { type: 'recordEvent', eventType: 'Warning', reason: 'TektonNotInstalled', message },
      ],
    };
  }

  /** V2: Tekton runs the steps; the runner creates or cancels the PipelineRun and syncs. */
  private async reconcileTekton(
    run: WorkflowExecution,
    backend: Backend,
  ): Promise<ReconcileResult | undefined | 'conflict'> {
    const tekton = this.deps.tekton();
    const planned = tekton ? await tekton.reconcile(run) : tektonUnavailable(run, this.deps.now());
    const status = { ...planned.status, backend };
    const written = await this.writeStatus(run, run.status, status, planned.effects);
    if (written === 'conflict') return written;
    const requeue = planned.effects.find((effect) => effect.type === 'requeueAt');
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

  /** Whether the cached run is exactly as our finishing write left it (see `SettledRuns`). */
  private isSettled(key: string, cached: KubernetesObject): boolean {
    const version = cached.metadata?.resourceVersion;
    return this.settled.claim(key, version, () => childrenState(this.childrenOf(cached)));
  }

  /** The run's ActionExecutions and whether its workspace claim exists, as the caches hold them. */
  private childrenOf(run: RunChildrenRef): RunChildren {
    const claimName = run.status?.workspace?.claimName;
    return {
      attempts: this.deps.attemptsOf(run.metadata?.uid ?? ''),
      workspaceExists:
        claimName !== undefined && this.deps.claimExists(run.metadata?.namespace ?? '', claimName),
    };
  }

  /**
   * Writes the status when it changed; Events only follow a write that landed. Undefined
   * when nothing was written, else the resourceVersion the API server gave the write.
   */
  private async writeStatus(
    run: WorkflowExecution,
    previous: WorkflowExecutionStatus | undefined,
    status: WorkflowExecutionStatus,
    effects: readonly { type: string }[],
  ): Promise<undefined | 'conflict' | { resourceVersion: string | undefined }> {
    if (isDeepStrictEqual(previous, status)) return undefined;
    let answer: unknown;
    try {
      answer = await this.deps.gateway.replaceRunStatus({ ...run, status });
      this.written.wrote(keyOf(run), run.metadata.resourceVersion);
    } catch (error) {
      if (statusCodeOf(error) === 409) return 'conflict';
      throw error;
    }
    for (const effect of effects as (Effect | TektonEffect)[]) {
      if (effect.type === 'recordEvent') {
        this.deps.events.record(run, effect.eventType, effect.reason, effect.message);
      }
    }
    countRunTransition(this.deps.metrics, run, previous, status);
    const resourceVersion = (answer as { metadata?: { resourceVersion?: string } } | undefined)
      ?.metadata?.resourceVersion;
    return { resourceVersion };
  }
}
