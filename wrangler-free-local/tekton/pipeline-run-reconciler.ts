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
import { isDone, succeeded } from './conditions.ts';
import { checkPipelineRun, referencedTasks, type RunFailure } from './pipeline-run-checks.ts';
import { planPipelineRun, type PipelineRunPlan } from './pipeline-run-plan.ts';
import { buildTaskRun } from './pipeline-task-run.ts';
import {
  createTekton,
  getTekton,
  patchTekton,
  writeStatus,
  type LatestObjects,
} from './tekton-api.ts';
import type { PipelineRun, PipelineSpec, TaskRun } from './types.ts';
import { TEKTON_API_VERSION } from './types.ts';
import { createClaims } from './create-claims.ts';

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
    const pending = succeeded(
      run.status,
      'Unknown',
      'PipelineRunPending',
      'PipelineRun is pending',
      now,
    );
    await write(context, run, { ...run.status, conditions: pending });
    return undefined;
  }
  const resolved = await resolvePipeline(context, run);
  if ('error' in resolved) {
    await failRun(context, run, resolved, now);
    return undefined;
  }
  const refused = await createClaims(context.core, target(run), run.spec?.workspaces ?? []);
  if (refused) {
    const error = `Failed to create PVC for PipelineRun ${run.metadata.namespace ?? 'default'}/${run.metadata.name ?? ''} correctly: ${refused}`;
    await failRun(context, run, { reason: 'CouldntCreateWorkspacePVC', error }, now);
    return undefined;
  }
  const plan = planPipelineRun(run, resolved.spec, context.taskRunsOf(run), now);
  await carryOut(context, run, plan, now);
  return plan.requeueAtMs === undefined ? undefined : { requeueAtMs: plan.requeueAtMs };
}

async function failRun(
  context: PipelineRunContext,
  run: PipelineRun,
  failure: RunFailure,
  now: Date,
): Promise<void> {
  await write(context, run, {
    ...run.status,
    startTime: run.status?.startTime ?? now.toISOString(),
    completionTime: now.toISOString(),
    conditions: succeeded(run.status, 'False', failure.reason, failure.error, now),
  });
  context.events.record(target(run), 'Warning', failure.reason, failure.error);
}

async function carryOut(
  context: PipelineRunContext,
  run: PipelineRun,
  plan: PipelineRunPlan,
  now: Date,
): Promise<void> {
  const namespace = run.metadata?.namespace ?? 'default';
  for (const { pipelineTask, message } of plan.cancel) {
    const name = plan.status.childReferences?.find(
      (child) => child.pipelineTaskName === pipelineTask,
    )?.name;
    if (!name) continue;
    const body = { spec: { status: 'TaskRunCancelled', statusMessage: message } };
    await patchTekton(context.custom, 'taskruns', namespace, name, body);
  }
  for (const item of plan.create) {
    await createTekton(context.custom, 'taskruns', buildTaskRun(run, item, now)).catch(
      ignoreExists,
    );
  }
  await write(context, run, plan.status);
  if (!run.status?.startTime) context.events.record(target(run), 'Normal', 'Started', '');
  const condition = plan.status.conditions?.[0];
  if (!condition || condition.status === 'Unknown') return;
  const type = condition.status === 'True' ? 'Normal' : 'Warning';
  context.events.record(target(run), type, condition.reason ?? '', condition.message ?? '');
}

function ignoreExists(error: unknown): void {
  if (!isAlreadyExistsOrConflict(error)) throw error;
}

async function write(context: PipelineRunContext, run: PipelineRun, status: object): Promise<void> {
  context.pipelineRuns.remember(await writeStatus(context.custom, 'pipelineruns', run, status));
}

type Resolution = { spec: PipelineSpec } | RunFailure;

async function resolvePipeline(context: PipelineRunContext, run: PipelineRun): Promise<Resolution> {
  if (run.status?.pipelineSpec) return { spec: run.status.pipelineSpec };
  const namespace = run.metadata?.namespace ?? 'default';
  const spec = run.spec?.pipelineSpec ?? (await fetchPipelineSpec(context, run));
  if (!spec) {
    const name = run.spec?.pipelineRef?.name ?? '';
    return {
      reason: 'CouldntGetPipeline',
      error: `Error retrieving pipeline for pipelinerun ${namespace}/${run.metadata?.name ?? ''}: pipelines.tekton.dev "${name}" not found`,
    };
  }
  return checkPipelineRun(run, spec) ?? (await findMissingTask(context, run, spec)) ?? { spec };
}

/** Tekton resolves every referenced Task before it starts: a missing one fails the run. */
async function findMissingTask(
  context: PipelineRunContext,
  run: PipelineRun,
  spec: PipelineSpec,
): Promise<RunFailure | undefined> {
  const namespace = run.metadata?.namespace ?? 'default';
  for (const name of referencedTasks(spec)) {
    if (await getTekton(context.custom, 'tasks', namespace, name)) continue;
    const pipeline = run.spec?.pipelineRef?.name ?? run.metadata?.name ?? '';
    return {
      reason: 'CouldntGetTask',
      error: `Pipeline ${namespace}/${pipeline} can't be Run; it contains Tasks that don't exist: Couldn't retrieve Task "${name}": tasks.tekton.dev "${name}" not found`,
    };
  }
  return undefined;
}

async function fetchPipelineSpec(
  context: PipelineRunContext,
  run: PipelineRun,
): Promise<PipelineSpec | undefined> {
  const name = run.spec?.pipelineRef?.name;
  if (!name) return undefined;
  const namespace = run.metadata?.namespace ?? 'default';
  const pipeline = await getTekton(context.custom, 'pipelines', namespace, name);
  return pipeline?.spec;
}
