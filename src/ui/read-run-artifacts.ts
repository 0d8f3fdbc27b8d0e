/**
 * What the run page shows of each step beyond the run's status, read from the API server
 * when the page is opened (never per SSE event): the step's child (its ActionExecution on
 * V1, its TaskRun on V2) with the resolved inputs and the image's signature and contract
 * verification, and the last lines of the attempt's pod log (`tailLines` and `limitBytes`
 * bound what the API server sends). A failed read becomes a note on that step, never a
 * failed page: logs vanish with the Job's TTL and the page must still show the rest.
 */
import { CoreV1Api, CustomObjectsApi, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import type { ActionExecution } from '../api/action-execution.ts';
import { GROUP, VERSION } from '../api/group.ts';
import { ACTION_EXECUTION_LABEL } from '../api/labels.ts';
import type { JsonObject } from '../api/primitives.ts';
import type { WorkflowExecution } from '../api/workflow-execution.ts';
import {
  succeededCondition,
  TEKTON_GROUP,
  TEKTON_VERSION,
  type TaskRun,
} from '../backends/tekton/tekton-types.ts';
import { statusCodeOf } from '../kube/errors.ts';

export type Verification = NonNullable<NonNullable<ActionExecution['status']>['verification']>;

export interface StepLog {
  container: string;
  pod: string;
  lines: string[];
}

export interface StepArtifacts {
  step: string;
  childKind: string;
  childName: string;
  /** Inputs after `$(steps.x.outputs.y)` references resolved (V1's ActionExecution). */
  resolvedInputs?: JsonObject;
  verification?: Verification;
  /** The TaskRun's Succeeded condition (V2). */
  condition?: { status: string; reason?: string; message?: string };
  log?: StepLog;
  /** Why some part could not be read: shown beside what could. */
  notes: string[];
}

export interface RunArtifactsSource {
  read(run: WorkflowExecution): Promise<StepArtifacts[]>;
}

export interface RunArtifactsOptions {
  tailLines?: number;
  limitBytes?: number;
}

const V1_CONTAINER = 'action';
/** Tekton names a step's container `step-<name>`; the kubernaut-action Task's step is `action`. */
const V2_CONTAINER = 'step-action';

function describeFailure(error: unknown, what: string): string {
  const code = statusCodeOf(error);
  if (code === 404) return `${what}: gone (deleted, or past its TTL)`;
  if (code === 400) return `${what}: not available yet (the container has not started)`;
  if (code === 403) return `${what}: the dispatcher may not read it (RBAC)`;
  return `${what}: the Kubernetes API did not answer`;
}

function newestPod(pods: readonly V1Pod[]): V1Pod | undefined {
  return [...pods].sort(
    (a, b) =>
      Date.parse(String(b.metadata?.creationTimestamp ?? 0)) -
      Date.parse(String(a.metadata?.creationTimestamp ?? 0)),
  )[0];
}

export class RunArtifactsReader implements RunArtifactsSource {
  private readonly core: CoreV1Api;
  private readonly custom: CustomObjectsApi;
  private readonly tailLines: number;
  private readonly limitBytes: number;

  constructor(kc: KubeConfig, options: RunArtifactsOptions = {}) {
    this.core = kc.makeApiClient(CoreV1Api);
    this.custom = kc.makeApiClient(CustomObjectsApi);
    this.tailLines = options.tailLines ?? 40;
    this.limitBytes = options.limitBytes ?? 16 * 1024;
  }

  async read(run: WorkflowExecution): Promise<StepArtifacts[]> {
    const namespace = run.metadata.namespace ?? 'default';
    const steps = (run.status?.steps ?? []).filter((step) => step.childRef !== undefined);
    return Promise.all(
      steps.map((step) => {
        const child = step.childRef ?? { kind: '', name: '' };
        const base: StepArtifacts = {
          step: step.name,
          childKind: child.kind,
          childName: child.name,
          notes: [],
        };
        return child.kind === 'TaskRun'
          ? this.readTaskRun(namespace, base)
          : this.readActionExecution(namespace, base);
      }),
    );
  }

  private async readActionExecution(
    namespace: string,
    base: StepArtifacts,
  ): Promise<StepArtifacts> {
    const result = { ...base };
    try {
      const action = (await this.custom.getNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: 'actionexecutions',
        name: base.childName,
      })) as ActionExecution;
      result.resolvedInputs = action.spec.inputs;
      if (action.status?.verification) result.verification = action.status.verification;
    } catch (error) {
      result.notes.push(describeFailure(error, `ActionExecution ${base.childName}`));
    }
    try {
      const pods = await this.core.listNamespacedPod({
        namespace,
        labelSelector: `${ACTION_EXECUTION_LABEL}=${base.childName}`,
      });
      const pod = newestPod(pods.items)?.metadata?.name;
      if (pod === undefined) result.notes.push('log: no pod (not started yet, or cleaned up)');
      else await this.readLog(namespace, pod, V1_CONTAINER, result);
    } catch (error) {
      result.notes.push(describeFailure(error, 'pods'));
    }
    return result;
  }

  private async readTaskRun(namespace: string, base: StepArtifacts): Promise<StepArtifacts> {
    const result = { ...base };
    try {
      const taskRun = (await this.custom.getNamespacedCustomObject({
        group: TEKTON_GROUP,
        version: TEKTON_VERSION,
        namespace,
        plural: 'taskruns',
        name: base.childName,
      })) as TaskRun;
      const condition = succeededCondition(taskRun.status);
      if (condition) {
        result.condition = {
          status: condition.status,
          ...(condition.reason ? { reason: condition.reason } : {}),
          ...(condition.message ? { message: condition.message } : {}),
        };
      }
      const pod = taskRun.status?.podName;
      if (pod === undefined) result.notes.push('log: the TaskRun has no pod yet');
      else await this.readLog(namespace, pod, V2_CONTAINER, result);
    } catch (error) {
      result.notes.push(describeFailure(error, `TaskRun ${base.childName}`));
    }
    return result;
  }

  private async readLog(
    namespace: string,
    pod: string,
    container: string,
    result: StepArtifacts,
  ): Promise<void> {
    try {
      const text = await this.core.readNamespacedPodLog({
        namespace,
        name: pod,
        container,
        tailLines: this.tailLines,
        limitBytes: this.limitBytes,
      });
      const lines = text.split('\n');
      if (lines.at(-1) === '') lines.pop();
      result.log = { container, pod, lines: lines.slice(-this.tailLines) };
    } catch (error) {
      result.notes.push(describeFailure(error, `log of ${pod}`));
    }
  }
}
