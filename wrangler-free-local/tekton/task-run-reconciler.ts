/**
 * The TaskRun reconciler: resolves the Task (taskRef or taskSpec), validates, creates the
 * attempt's pod, stops it on timeout or cancellation, and writes the status planned from the
 * pod by planTaskRun.
 */
import type { CoreV1Api, CustomObjectsApi, V1Pod } from '@kubernetes/client-node';
import type { ReconcileResult } from '../../src/engine/work-queue.ts';
import { ignoreNotFound, isAlreadyExistsOrConflict } from '../../src/kube/errors.ts';
import type { EventRecorder } from '../../src/kube/event-recorder.ts';
import type { LocalImage } from '../cluster/image-catalog.ts';
import { isDone, succeeded } from './conditions.ts';
import { buildTaskRunPod, podNameOf, validateTaskRun } from './task-run-pod.ts';
import { planTaskRun } from './task-run-plan.ts';
import { getTekton, writeStatus, type LatestObjects } from './tekton-api.ts';
import type { TaskRun, TaskSpec } from './types.ts';
import { TEKTON_API_VERSION } from './types.ts';
import { createClaims } from './create-claims.ts';

export interface TaskRunContext {
  core: CoreV1Api;
  custom: CustomObjectsApi;
  events: EventRecorder;
  resolveImage: (image: string) => LocalImage | undefined;
  taskRuns: LatestObjects<TaskRun>;
  getPod: (namespace: string, name: string) => V1Pod | undefined;
}

const target = (taskRun: TaskRun) => ({
  apiVersion: TEKTON_API_VERSION,
  kind: 'TaskRun',
  metadata: taskRun.metadata ?? {},
});

export async function reconcileTaskRun(
  context: TaskRunContext,
  cached: TaskRun | undefined,
): Promise<ReconcileResult | undefined> {
  const taskRun = context.taskRuns.latest(cached);
  if (!taskRun?.metadata?.uid || taskRun.metadata.deletionTimestamp || isDone(taskRun.status))
    return undefined;
  const now = new Date();
  const resolved = await prepareTaskRun(context, taskRun);
  if ('error' in resolved) {
    await fail(context, taskRun, resolved, now);
    return undefined;
  }
  const namespace = taskRun.metadata.namespace ?? 'default';
  const pod = context.getPod(namespace, podNameOf(taskRun));
  const plan = planTaskRun(taskRun, resolved.spec, pod, now);
  if (plan.deletePod) {
    const name = plan.deletePod;
    await ignoreNotFound(
      context.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }),
    );
  }
  if (plan.createPod) {
    const body = buildTaskRunPod(taskRun, resolved.spec, context.resolveImage);
    await context.core.createNamespacedPod({ namespace, body }).catch(ignoreExists);
  }
  const written = await writeStatus(context.custom, 'taskruns', taskRun, plan.status);
  context.taskRuns.remember(written);
  if (written && !taskRun.status?.startTime)
    context.events.record(target(taskRun), 'Normal', 'Started', '');
  if (plan.ended) {
    const type = plan.ended.reason === 'Succeeded' ? 'Normal' : 'Warning';
    const reason = plan.ended.retrying ? 'Retrying' : plan.ended.reason;
    context.events.record(target(taskRun), type, reason, plan.ended.message);
  }
  return plan.requeueAtMs === undefined ? undefined : { requeueAtMs: plan.requeueAtMs };
}

function ignoreExists(error: unknown): void {
  if (!isAlreadyExistsOrConflict(error)) throw error;
}

interface Failure {
  reason: string;
  error: string;
}

/** The resolved, validated Task spec, once the TaskRun's own workspace PVCs exist. */
async function prepareTaskRun(
  context: TaskRunContext,
  taskRun: TaskRun,
): Promise<{ spec: TaskSpec } | Failure> {
  const resolved = await resolveTaskSpec(context, taskRun);
  if ('error' in resolved) return resolved;
  const refused = await createClaims(context.core, target(taskRun), taskRun.spec?.workspaces ?? []);
  if (!refused) return resolved;
  const name = `${taskRun.metadata?.namespace ?? 'default'}/${taskRun.metadata?.name ?? ''}`;
  return {
    reason: 'CouldntCreateWorkspacePVC',
    error: `Failed to create PVC for TaskRun ${name} correctly: ${refused}`,
  };
}

/** The Task's spec (stored in the status once resolved, as Tekton does), validated. */
async function resolveTaskSpec(
  context: TaskRunContext,
  taskRun: TaskRun,
): Promise<{ spec: TaskSpec } | Failure> {
  const runName = taskRun.metadata?.name ?? '';
  const spec =
    taskRun.status?.taskSpec ?? taskRun.spec?.taskSpec ?? (await fetchTaskSpec(context, taskRun));
  if (!spec) {
    const name = taskRun.spec?.taskRef?.name;
    return name
      ? {
          reason: 'CouldntGetTask',
          error: `error when listing tasks for taskRun ${runName}: tasks.tekton.dev "${name}" not found`,
        }
      : {
          reason: 'TaskRunValidationFailed',
          error: `invalid TaskRun "${runName}": expected exactly one, got neither: spec.taskRef, spec.taskSpec`,
        };
  }
  const invalid = validateTaskRun(taskRun, spec);
  if (invalid)
    return { reason: 'TaskRunValidationFailed', error: `invalid TaskRun "${runName}": ${invalid}` };
  return { spec };
}

async function fetchTaskSpec(
  context: TaskRunContext,
  taskRun: TaskRun,
): Promise<TaskSpec | undefined> {
  const name = taskRun.spec?.taskRef?.name;
  if (!name) return undefined;
  return (await getTekton(context.custom, 'tasks', taskRun.metadata?.namespace ?? 'default', name))
    ?.spec;
}

async function fail(
  context: TaskRunContext,
  taskRun: TaskRun,
  failure: Failure,
  now: Date,
): Promise<void> {
  const status = {
    ...taskRun.status,
    startTime: taskRun.status?.startTime ?? now.toISOString(),
    completionTime: now.toISOString(),
    conditions: succeeded(taskRun.status, 'False', failure.reason, failure.error, now),
  };
  context.taskRuns.remember(await writeStatus(context.custom, 'taskruns', taskRun, status));
  context.events.record(target(taskRun), 'Warning', failure.reason, failure.error);
}
