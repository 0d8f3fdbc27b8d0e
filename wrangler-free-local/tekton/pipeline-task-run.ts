/**
 * The TaskRun a PipelineRun creates for one pipeline task: named `<run>-<task>`, owned by
 * the run, labelled as Tekton labels it, with the task's params substituted, its workspaces
 * bound to the run's, and a timeout that ends by the pipeline's deadline.
 */
import { controllerReference } from '../cluster/owned-by.ts';
import { formatDuration } from './duration.ts';
import { taskRunName } from './child-names.ts';
import type { TaskRunToCreate } from './pipeline-run-plan.ts';
import type { PipelineRun, TaskRun, WorkspaceBinding } from './types.ts';
import { TEKTON_API_VERSION } from './types.ts';
import { bindForTask } from './workspaces.ts';

export function buildTaskRun(run: PipelineRun, item: TaskRunToCreate, now: Date): TaskRun {
  const runName = run.metadata?.name ?? '';
  const task = item.pipelineTask;
  return {
    apiVersion: TEKTON_API_VERSION,
    kind: 'TaskRun',
    metadata: {
      name: taskRunName(runName, task.name),
      namespace: run.metadata?.namespace ?? 'default',
      labels: taskRunLabels(run, item),
      annotations: { ...run.metadata?.annotations },
      ownerReferences: [
        controllerReference({
          apiVersion: TEKTON_API_VERSION,
          kind: 'PipelineRun',
          metadata: run.metadata,
        }),
      ],
    },
    spec: taskRunSpec(run, item, now),
  };
}

/** The run's labels, the embedded task's, and Tekton's own. */
function taskRunLabels(run: PipelineRun, item: TaskRunToCreate): Record<string, string> {
  const runName = run.metadata?.name ?? '';
  const task = item.pipelineTask;
  return {
    ...run.metadata?.labels,
    ...task.taskSpec?.metadata?.labels,
    'app.kubernetes.io/managed-by': 'tekton-pipelines',
    'tekton.dev/pipeline': run.spec?.pipelineRef?.name ?? runName,
    'tekton.dev/pipelineRun': runName,
    'tekton.dev/pipelineRunUID': run.metadata?.uid ?? '',
    'tekton.dev/pipelineTask': task.name,
    'tekton.dev/memberOf': item.memberOf,
    ...(task.taskRef?.name ? { 'tekton.dev/task': task.taskRef.name } : {}),
  };
}

function taskRunSpec(
  run: PipelineRun,
  item: TaskRunToCreate,
  now: Date,
): NonNullable<TaskRun['spec']> {
  const task = item.pipelineTask;
  const workspaces = (task.workspaces ?? []).flatMap((binding): WorkspaceBinding[] => {
    const bound = bindForTask(run.spec?.workspaces ?? [], binding, run.metadata?.uid ?? '');
    return bound ? [bound] : [];
  });
  // A task may not outlive the pipeline's deadline: its timeout is what remains of it.
  const remaining =
    item.deadlineMs === undefined
      ? undefined
      : formatDuration(Math.max(item.deadlineMs - now.getTime(), 1));
  const timeout = task.timeout ?? remaining;
  const serviceAccountName = run.spec?.taskRunTemplate?.serviceAccountName;
  const taskSpec = task.taskSpec ? { ...task.taskSpec } : undefined;
  delete taskSpec?.metadata;
  return {
    ...(task.taskRef ? { taskRef: { name: task.taskRef.name ?? '', kind: 'Task' } } : {}),
    ...(taskSpec ? { taskSpec } : {}),
    params: item.params,
    ...(workspaces.length > 0 ? { workspaces } : {}),
    ...(timeout ? { timeout } : {}),
    ...(task.retries ? { retries: task.retries } : {}),
    ...(serviceAccountName ? { serviceAccountName } : {}),
  };
}
