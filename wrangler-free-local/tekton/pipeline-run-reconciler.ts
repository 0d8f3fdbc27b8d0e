/**
 * The PipelineRun reconciler: resolves the pipeline (pipelineRef or pipelineSpec), checks
 * what Tekton checks before it starts (spec, params, referenced Tasks, workspace bindings),
 * creates the workspace PVCs, then carries out planPipelineRun: TaskRuns created and
 * cancelled, status written.
 */
import type { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import type { ReconcileResult } from '../../src/engine/work-queue.ts';
import { isAlreadyExistsOrConflict } from '../../src/kube/errors.ts';
import type { EventRecorder } from '../../src/kube/event-recorder.ts';
import { controllerReference } from '../cluster/owned-by.ts';
import { isDone, succeeded } from './conditions.ts';
import { validatePipelineSpec } from './pipeline-dag.ts';
import { planPipelineRun } from './pipeline-run-plan.ts';
import { buildTaskRun } from './pipeline-task-run.ts';
import { missingParams } from './pipeline-variables.ts';
import {
  createTekton,
  getTekton,
  patchTekton,
  writeStatus,
  type LatestObjects,
} from './tekton-api.ts';
import type { Pipeline, PipelineRun, PipelineSpec, Task, TaskRun } from './types.ts';
import { TEKTON_API_VERSION } from './types.ts';
import { claimsFor } from './workspaces.ts';

export interface PipelineRunContext {
  core: CoreV1Api;
  custom: CustomObjectsApi;
  events: EventRecorder;
  pipelineRuns: LatestObjects<PipelineRun>;
  /** The TaskRuns the run controls, by pipeline task name. */
  taskRunsOf: (run: PipelineRun) => Map<string, TaskRun>;
}

const target = (run: PipelineRun) => ({
  apiVersion: TEKTON_API_VERSION,
  kind: 'PipelineRun',
  metadata: run.metadata ?? {},
});

export async function reconcilePipelineRun(
  context: PipelineRunContext,
  cached: PipelineRun | undefined,
): Promise<ReconcileResult | undefined> {
  const run = context.pipelineRuns.latest(cached);
  if (!run?.metadata?.uid || run.metadata.deletionTimestamp || isDone(run.status)) return undefined;
  const now = new Date();
  if (run.spec?.status === 'PipelineRunPending') {
    await write(context, run, {
      ...run.status,
      conditions: succeeded(
        run.status,
        'Unknown',
        'PipelineRunPending',
        'PipelineRun is pending',
        now,
      ),
    });
    return undefined;
  }
  const resolved = await resolvePipeline(context, run);
  if ('error' in resolved) {
    const status = {
      ...run.status,
      startTime: run.status?.startTime ?? now.toISOString(),
      completionTime: now.toISOString(),
      conditions: succeeded(run.status, 'False', resolved.reason, resolved.error, now),
    };
    await write(context, run, status);
    context.events.record(target(run), 'Warning', resolved.reason, resolved.error);
    return undefined;
  }
  const namespace = run.metadata.namespace ?? 'default';
  for (const claim of claimsFor(run.spec?.workspaces ?? [], run.metadata.name ?? '', namespace)) {
    claim.metadata = { ...claim.metadata, ownerReferences: [controllerReference(target(run))] };
    await context.core
      .createNamespacedPersistentVolumeClaim({ namespace, body: claim })
      .catch(ignoreExists);
  }
  const plan = planPipelineRun(run, resolved.spec, context.taskRunsOf(run), now);
  const taskRunName = (task: string): string | undefined =>
    plan.status.childReferences?.find((child) => child.pipelineTaskName === task)?.name;
  for (const { pipelineTask, message } of plan.cancel) {
    const name = taskRunName(pipelineTask);
    if (name)
      await patchTekton(context.custom, 'taskruns', namespace, name, {
        spec: { status: 'TaskRunCancelled', statusMessage: message },
      });
  }
  for (const item of plan.create) {
    await createTekton(context.custom, 'taskruns', buildTaskRun(run, item, now)).catch(
      ignoreExists,
    );
  }
  const wasStarted = Boolean(run.status?.startTime);
  await write(context, run, plan.status);
  if (!wasStarted) context.events.record(target(run), 'Normal', 'Started', '');
  const condition = plan.status.conditions?.[0];
  if (condition && condition.status !== 'Unknown') {
    context.events.record(
      target(run),
      condition.status === 'True' ? 'Normal' : 'Warning',
      condition.reason ?? '',
      condition.message ?? '',
    );
  }
  return plan.requeueAtMs === undefined ? undefined : { requeueAtMs: plan.requeueAtMs };
}

function ignoreExists(error: unknown): void {
  if (!isAlreadyExistsOrConflict(error)) throw error;
}

async function write(context: PipelineRunContext, run: PipelineRun, status: object): Promise<void> {
  context.pipelineRuns.remember(await writeStatus(context.custom, 'pipelineruns', run, status));
}

type Resolution = { spec: PipelineSpec } | { error: string; reason: string };

async function resolvePipeline(context: PipelineRunContext, run: PipelineRun): Promise<Resolution> {
  const namespace = run.metadata?.namespace ?? 'default';
  const runName = run.metadata?.name ?? '';
  let spec = run.status?.pipelineSpec ?? run.spec?.pipelineSpec;
  const pipelineName = run.spec?.pipelineRef?.name ?? runName;
  if (!spec) {
    const name = run.spec?.pipelineRef?.name;
    const pipeline = name
      ? await getTekton<Pipeline>(context.custom, 'pipelines', namespace, name)
      : undefined;
    if (!pipeline?.spec)
      return {
        reason: 'CouldntGetPipeline',
        error: `Error retrieving pipeline for pipelinerun ${namespace}/${runName}: pipelines.tekton.dev "${name ?? ''}" not found`,
      };
    spec = pipeline.spec;
  }
  if (run.status?.pipelineSpec) return { spec };
  const invalid = validatePipelineSpec(spec);
  if (invalid)
    return {
      reason: 'PipelineValidationFailed',
      error: `Pipeline ${namespace}/${pipelineName} can't be Run; it has an invalid spec: ${invalid}`,
    };
  const missing = missingParams(spec.params ?? [], run.spec?.params ?? []);
  if (missing.length > 0)
    return {
      reason: 'ParameterMissing',
      error: `PipelineRun ${namespace}/${runName} is missing some parameters required by Pipeline ${namespace}/${pipelineName}'s parameters: pipelineRun missing parameters: [${missing.join(' ')}]`,
    };
  const bound = new Set((run.spec?.workspaces ?? []).map((binding) => binding.name));
  const unbound = (spec.workspaces ?? []).find(
    (workspace) => !workspace.optional && !bound.has(workspace.name),
  );
  if (unbound)
    return {
      reason: 'InvalidWorkspaceBindings',
      error: `PipelineRun ${namespace}/${runName} doesn't bind Pipeline ${namespace}/${pipelineName}'s Workspaces correctly: pipeline requires workspace with name "${unbound.name}" be provided by pipelinerun`,
    };
  for (const task of [...(spec.tasks ?? []), ...(spec.finally ?? [])]) {
    const name = task.taskRef?.name;
    if (name && !(await getTekton<Task>(context.custom, 'tasks', namespace, name)))
      return {
        reason: 'CouldntGetTask',
        error: `Pipeline ${namespace}/${pipelineName} can't be Run; it contains Tasks that don't exist: Couldn't retrieve Task "${name}": tasks.tekton.dev "${name}" not found`,
      };
  }
  return { spec };
}
