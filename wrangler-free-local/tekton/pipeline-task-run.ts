/**
 * The TaskRun a PipelineRun creates for one pipeline task: named `<run>-<task>`, owned by
 * the run, labelled as Tekton labels it, with the task's params substituted, its workspaces
 * bound to the run's, and a timeout that ends by the pipeline's deadline.
 */
import { controllerReference } from '../cluster/owned-by.ts';
import { formatDuration } from './duration.ts';
import { taskRunName, type TaskRunToCreate } from './pipeline-run-plan.ts';
import type { PipelineRun, TaskRun, WorkspaceBinding } from './types.ts';
import { TEKTON_API_VERSION } from './types.ts';
import { bindForTask } from './workspaces.ts';

export function buildTaskRun(run: PipelineRun, item: TaskRunToCreate, now: Date): TaskRun {
  const runName = run.metadata?.name ?? '';
  const task = item.pipelineTask;
  const pipelineName = run.spec?.pipelineRef?.name ?? runName;
  const workspaces = (task.workspaces ?? []).flatMap((binding): WorkspaceBinding[] => {
    const bound = bindForTask(run.spec?.workspaces ?? [], binding, runName);
    return bound ? [bound] : [];
  });
  const remainingMs =
    item.deadlineMs === undefined ? undefined : Math.max(item.deadlineMs - now.getTime(), 1);
  const timeout =
    task.timeout ?? (remainingMs === undefined ? undefined : formatDuration(remainingMs));
  const serviceAccountName = run.spec?.taskRunTemplate?.serviceAccountName;
  return {
    apiVersion: TEKTON_API_VERSION,
    kind: 'TaskRun',
    metadata: {
      name: taskRunName(runName, task.name),
      namespace: run.metadata?.namespace ?? 'default',
      labels: {
        ...run.metadata?.labels,
        ...task.taskSpec?.metadata?.labels,
        'app.kubernetes.io/managed-by': 'tekton-pipelines',
        'tekton.dev/pipeline': pipelineName,
        'tekton.dev/pipelineRun': runName,
        'tekton.dev/pipelineRunUID': run.metadata?.uid ?? '',
        'tekton.dev/pipelineTask': task.name,
        'tekton.dev/memberOf': item.memberOf,
        ...(task.taskRef?.name ? { 'tekton.dev/task': task.taskRef.name } : {}),
      },
      annotations: { ...run.metadata?.annotations },
      ownerReferences: [
        controllerReference({
          apiVersion: TEKTON_API_VERSION,
          kind: 'PipelineRun',
          metadata: run.metadata,
        }),
      ],
    },
    spec: {
      ...(task.taskRef ? { taskRef: { name: task.taskRef.name ?? '', kind: 'Task' } } : {}),
      ...(task.taskSpec ? { taskSpec: withoutMetadata(task.taskSpec) } : {}),
      params: item.params,
      ...(workspaces.length > 0 ? { workspaces } : {}),
      ...(timeout ? { timeout } : {}),
      ...(task.retries ? { retries: task.retries } : {}),
      ...(serviceAccountName ? { serviceAccountName } : {}),
    },
  };
}

function withoutMetadata<T extends { metadata?: unknown }>(spec: T): Omit<T, 'metadata'> {
  const { metadata: _metadata, ...rest } = spec;
  return rest;
}
