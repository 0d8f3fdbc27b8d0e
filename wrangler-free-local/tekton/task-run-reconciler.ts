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
import { controllerReference } from '../cluster/owned-by.ts';
import { isDone, succeeded } from './conditions.ts';
import { buildTaskRunPod, podNameOf, validateTaskRun } from './task-run-pod.ts';
import { planTaskRun } from './task-run-plan.ts';
import { getTekton, writeStatus, type LatestObjects } from './tekton-api.ts';
import type { Task, TaskRun, TaskSpec } from './types.ts';
import { TEKTON_API_VERSION } from './types.ts';
import { claimsFor } from './workspaces.ts';

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
  const namespace = taskRun.metadata.namespace ?? 'default';
  const now = new Date();
  const resolved = await resolveTaskSpec(context, taskRun);
  if (typeof resolved === 'object' && 'error' in resolved) {
    await fail(context, taskRun, resolved.reason, resolved.error, now);
    return undefined;
  }
  const spec = resolved;
  const invalid = validateTaskRun(taskRun, spec);
  if (invalid) {
    await fail(
      context,
      taskRun,
      'TaskRunValidationFailed',
      `invalid TaskRun "${taskRun.metadata.name ?? ''}": ${invalid}`,
      now,
    );
    return undefined;
  }
  for (const claim of claimsFor(
    taskRun.spec?.workspaces ?? [],
    taskRun.metadata.name ?? '',
    namespace,
  )) {
    claim.metadata = { ...claim.metadata, ownerReferences: [controllerReference(target(taskRun))] };
    await context.core
      .createNamespacedPersistentVolumeClaim({ namespace, body: claim })
      .catch((error: unknown) => {
        if (!isAlreadyExistsOrConflict(error)) throw error;
      });
  }
  const pod = context.getPod(namespace, podNameOf(taskRun));
  const plan = planTaskRun(taskRun, spec, pod, now);
  if (plan.deletePod)
    await ignoreNotFound(
      context.core.deleteNamespacedPod({ name: plan.deletePod, namespace, gracePeriodSeconds: 0 }),
    );
  if (plan.createPod) {
    const body = buildTaskRunPod(taskRun, spec, context.resolveImage);
    await context.core.createNamespacedPod({ namespace, body }).catch((error: unknown) => {
      if (!isAlreadyExistsOrConflict(error)) throw error;
    });
  }
  const written = await writeStatus(context.custom, 'taskruns', taskRun, plan.status);
  context.taskRuns.remember(written);
  if (written && !taskRun.status?.startTime)
    context.events.record(target(taskRun), 'Normal', 'Started', '');
  if (plan.ended) {
    const type = plan.ended.reason === 'Succeeded' ? 'Normal' : 'Warning';
    context.events.record(
      target(taskRun),
      type,
      plan.ended.retrying ? 'Retrying' : plan.ended.reason,
      plan.ended.message,
    );
  }
  return plan.requeueAtMs === undefined ? undefined : { requeueAtMs: plan.requeueAtMs };
}

async function resolveTaskSpec(
  context: TaskRunContext,
  taskRun: TaskRun,
): Promise<TaskSpec | { error: string; reason: string }> {
  const stored = taskRun.status?.taskSpec ?? taskRun.spec?.taskSpec;
  if (stored) return stored;
  const name = taskRun.spec?.taskRef?.name;
  const namespace = taskRun.metadata?.namespace ?? 'default';
  if (!name)
    return {
      reason: 'TaskRunValidationFailed',
      error: `invalid TaskRun "${taskRun.metadata?.name ?? ''}": expected exactly one, got neither: spec.taskRef, spec.taskSpec`,
    };
  const task = await getTekton<Task>(context.custom, 'tasks', namespace, name);
  if (!task?.spec)
    return {
      reason: 'CouldntGetTask',
      error: `error when listing tasks for taskRun ${taskRun.metadata?.name ?? ''}: tasks.tekton.dev "${name}" not found`,
    };
  return task.spec;
}

async function fail(
  context: TaskRunContext,
  taskRun: TaskRun,
  reason: string,
  message: string,
  now: Date,
): Promise<void> {
  const status = {
    ...taskRun.status,
    startTime: taskRun.status?.startTime ?? now.toISOString(),
    completionTime: now.toISOString(),
    conditions: succeeded(taskRun.status, 'False', reason, message, now),
  };
  context.taskRuns.remember(await writeStatus(context.custom, 'taskruns', taskRun, status));
  context.events.record(target(taskRun), 'Warning', reason, message);
}
