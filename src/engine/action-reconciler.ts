/**
 * The ActionExecution reconciler: one step attempt on the Jobs backend. It runs the
 * step-start checks, creates the Job (deterministic name; AlreadyExists is adoption), and
 * when the Job ends records the outcome, the reason and the outputs (checked against the
 * action's contract when the check can: InvalidOutputs otherwise).
 */
import { serviceAccountFor } from '../backends/action-service-account.ts';
import type { KubernetesObject, V1Job, V1Pod } from '@kubernetes/client-node';
import { isDeepStrictEqual } from 'node:util';
import {
  actionExecutionSchema,
  type ActionExecution,
  type ActionExecutionStatus,
} from '../api/action-execution.ts';
import { buildJob } from '../backends/jobs/build-job.ts';
import { outputsFromLog, readAttemptResult } from '../backends/jobs/read-attempt-result.ts';
import type { StepStartCheck } from '../backends/jobs/step-start-check.ts';
import { ignoreNotFound, isAlreadyExistsOrConflict } from '../kube/errors.ts';
import type { EventRecorder } from '../kube/event-recorder.ts';
import type { KubeGateway } from '../kube/kube-gateway.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { ReconcileResult } from './work-queue.ts';
import { WrittenVersions } from './written-versions.ts';

export interface ActionReconcilerDeps {
  getAction(namespace: string, name: string): KubernetesObject | undefined;
  getJob(namespace: string, name: string): V1Job | undefined;
  podsOf(actionName: string, namespace: string): V1Pod[];
  gateway: KubeGateway;
  events: EventRecorder;
  metrics: Metrics;
  check: StepStartCheck;
  jobTtlSeconds: number;
  serviceAccountName: string;
  now: () => Date;
  /** How long a created Job may be missing from the cache before the attempt is lost. */
  jobMissingGraceMs?: number;
}

export class ActionReconciler {
  private readonly deps: ActionReconcilerDeps;
  private readonly written = new WrittenVersions();

  constructor(deps: ActionReconcilerDeps) {
    this.deps = deps;
  }

  async reconcile(key: string): Promise<ReconcileResult | undefined> {
    const [namespace = '', name = ''] = key.split('/');
    const cached = this.deps.getAction(namespace, name);
    if (!cached) this.written.forget(key);
    if (this.written.isStale(key, cached?.metadata?.resourceVersion)) return undefined;
    const parsed = actionExecutionSchema.safeParse(cached);
    if (!parsed.success) return undefined;
    const action = parsed.data;
    const phase = action.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return undefined;
    if (!action.status?.jobName) {
      await this.start(action);
      return undefined;
    }
    return this.follow(action, action.status.jobName);
  }

  /** Checks first (invariant 6): no Job exists for an image that did not pass them. */
  private async start(action: ActionExecution): Promise<void> {
    const startedAt = this.deps.now().toISOString();
    const result = await this.deps.check.check(action);
    this.deps.metrics.imageVerifications.inc({ result: result.ok ? 'passed' : result.reason });
    if (!result.ok) {
      this.deps.events.record(
        action,
        'Warning',
        result.reason,
        `${action.spec.image}: ${result.message}`,
      );
      await this.writeStatus(action, {
        phase: 'Failed',
        reason: result.reason,
        message: result.message,
        ...(result.verification ? { verification: result.verification } : {}),
        startedAt,
        completedAt: startedAt,
      });
      return;
    }
    const job = buildJob(action, {
      digest: result.verification.digest ?? '',
      contract: result.contract,
      inputs: result.inputs,
      ttlSecondsAfterFinished: this.deps.jobTtlSeconds,
      defaultServiceAccountName: serviceAccountFor(
        this.deps.serviceAccountName,
        action.spec.actionType,
      ),
    });
    try {
      await this.deps.gateway.createJob(job);
    } catch (error) {
      if (!isAlreadyExistsOrConflict(error)) throw error;
    }
    await this.writeStatus(action, {
      phase: 'Running',
      verification: result.verification,
      jobName: job.metadata?.name ?? '',
      startedAt,
    });
  }

  private async follow(
    action: ActionExecution,
    jobName: string,
  ): Promise<ReconcileResult | undefined> {
    const namespace = action.metadata.namespace ?? 'default';
    const job = this.deps.getJob(namespace, jobName);
    if (!job) {
      const grace = this.deps.jobMissingGraceMs ?? 60_000;
      const deadline = Date.parse(action.status?.startedAt ?? '') + grace;
      if (this.deps.now().getTime() < deadline) return { requeueAtMs: deadline };
      await this.writeStatus(action, {
        phase: 'Failed',
        reason: 'JobMissing',
        message: `Job ${jobName} disappeared`,
        completedAt: this.deps.now().toISOString(),
      });
      return undefined;
    }
    const pod = newest(this.deps.podsOf(action.metadata.name ?? '', namespace));
    const result = readAttemptResult(job, pod);
    if (result.phase === 'Running') return undefined;
    const completedAt = this.deps.now().toISOString();
    if (result.phase === 'Failed') {
      // A pod stuck before it ran (ImagePullBackOff...) keeps its Job alive: stop it.
      if (
        !job.status?.conditions?.some(
          (condition) => condition.type === 'Failed' && condition.status === 'True',
        )
      ) {
        await ignoreNotFound(this.deps.gateway.deleteJob(namespace, jobName));
      }
      await this.finish(action, {
        phase: 'Failed',
        reason: result.reason,
        message: result.message,
        ...(result.exitCode === undefined ? {} : { exitCode: result.exitCode }),
        completedAt,
      });
      return undefined;
    }
    const { outputs, message } = await this.readOutputs(namespace, pod, result);
    await this.succeed(action, outputs, completedAt, message);
    return undefined;
  }

  /** The outputs from the termination message, else from the last line of the pod's log. */
  private async readOutputs(
    namespace: string,
    pod: V1Pod | undefined,
    result: { outputs?: Record<string, unknown> | undefined; needsLog?: boolean },
  ): Promise<{ outputs: Record<string, unknown>; message?: string }> {
    if (!result.needsLog) return { outputs: result.outputs ?? {} };
    if (!pod?.metadata?.name) {
      return { outputs: {}, message: 'the pod is gone, so no outputs could be read from its log' };
    }
    const log = await ignoreNotFound(
      this.deps.gateway.readPodLog(namespace, pod.metadata.name, 'action'),
    );
    return { outputs: outputsFromLog(log ?? '') ?? {} };
  }

  /** Outputs are checked against the contract first: later steps see only what it promised. */
  private async succeed(
    action: ActionExecution,
    outputs: Record<string, unknown>,
    completedAt: string,
    message: string | undefined,
  ): Promise<void> {
    const checked = await this.deps.check.checkOutputs?.(action, outputs);
    if (checked && !checked.ok) {
      this.deps.events.record(action, 'Warning', 'InvalidOutputs', checked.message);
      await this.finish(action, {
        phase: 'Failed',
        reason: 'InvalidOutputs',
        message: checked.message,
        exitCode: 0,
        completedAt,
      });
      return;
    }
    await this.finish(action, {
      phase: 'Succeeded',
      outputs,
      exitCode: 0,
      completedAt,
      ...(message ? { message } : {}),
    });
  }

  private async finish(
    action: ActionExecution,
    status: Partial<ActionExecutionStatus>,
  ): Promise<void> {
    await this.writeStatus(action, status);
    const startedAt = Date.parse(action.status?.startedAt ?? '');
    const completedAt = Date.parse(status.completedAt ?? '');
    if (Number.isFinite(startedAt) && Number.isFinite(completedAt)) {
      this.deps.metrics.stepDuration.observe(
        { result: status.phase ?? 'Unknown', backend: 'jobs' },
        (completedAt - startedAt) / 1000,
      );
    }
  }

  /** Merges into the current status and writes it with the resourceVersion (409 retries). */
  private async writeStatus(
    action: ActionExecution,
    update: Partial<ActionExecutionStatus>,
  ): Promise<void> {
    const status: ActionExecutionStatus = {
      conditions: [],
      ...action.status,
      ...update,
      observedGeneration: action.metadata.generation ?? 0,
    };
    if (isDeepStrictEqual(status, action.status)) return;
    await this.deps.gateway.replaceActionStatus({ ...action, status });
    this.written.wrote(
      `${action.metadata.namespace ?? ''}/${action.metadata.name ?? ''}`,
      action.metadata.resourceVersion,
    );
  }
}

function newest(pods: V1Pod[]): V1Pod | undefined {
  return pods.reduce<V1Pod | undefined>(
    (best, pod) =>
      !best ||
      String(pod.metadata?.creationTimestamp ?? '') > String(best.metadata?.creationTimestamp ?? '')
        ? pod
        : best,
    undefined,
  );
}
