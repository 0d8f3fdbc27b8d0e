/**
 * WorkflowExecution → the one PipelineRun of the Tekton backend (pure). An embedded
 * pipelineSpec with one pipeline task per step, each running the generic Task
 * `kubernaut-action`; Tekton orchestrates the DAG, retries, timeouts and the workspace.
 *
 * Inputs never become Tekton variable text: every `$(` of the inputs JSON is written as
 * `\u0024(` (the same JSON once parsed), so alert-derived values cannot name a Tekton
 * variable. Output references `$(steps.X.outputs.Y)` travel the same way and are resolved
 * by the action runtime from `upstreamOutputs`, the JSON object built from the referenced
 * steps' `outputs` results (docs/adr/0018-tekton-backend-and-output-references.md).
 */
import { PER_ACTION_SERVICE_ACCOUNTS, serviceAccountFor } from '../action-service-account.ts';
import { formatDuration, parseDuration } from '../../api/duration.ts';
import {
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  RUN_NAME_ANNOTATION,
  RUN_UID_LABEL,
} from '../../api/labels.ts';
import type { JsonObject } from '../../api/primitives.ts';
import type { WorkflowExecution } from '../../api/workflow-execution.ts';
import type { WorkflowStep } from '../../api/workflow-step.ts';
import { pipelineRunName } from '../../workflow/child-names.ts';
import { findOutputReferences } from '../../workflow/output-references.ts';
import type { WorkspaceOptions } from '../jobs/build-workspace-claim.ts';
import { imageByDigest } from '../jobs/build-job.ts';
import { ownerReferenceTo } from '../jobs/owner-reference.ts';
import {
  ACTION_TASK_NAME,
  ACTION_TASK_PARAMS as P,
  ACTION_TASK_RESULT,
  ACTION_TASK_WORKSPACE,
} from './action-task.ts';
import type { PipelineRun, TektonParam, TektonPipelineTask } from './tekton-types.ts';
import { TEKTON_API_VERSION } from './tekton-types.ts';

/** The pipeline's one workspace, bound to a volumeClaimTemplate per run. */
export const PIPELINE_WORKSPACE = 'workspace';

/** What the pre-flight check established for one step: the digest and the inputs to run. */
export interface VerifiedStep {
  digest?: string | undefined;
  /** Inputs after contract defaults; the step's own inputs when absent. */
  inputs?: JsonObject | undefined;
}

export interface PipelineRunOptions {
  workspace: WorkspaceOptions;
  serviceAccountName: string;
  verified?: ReadonlyMap<string, VerifiedStep>;
}

/** JSON with no `$(` left: Tekton substitutes nothing in it, JSON.parse gives it back. */
export function inertJson(value: unknown): string {
  return JSON.stringify(value).replaceAll('$(', '\\u0024(');
}

/** `{"a":$(tasks.a.results.outputs),…}` for the steps the inputs reference, or undefined. */
export function upstreamOutputsOf(inputs: JsonObject): string | undefined {
  const steps = [...new Set(findOutputReferences(inputs).map(({ reference }) => reference.step))];
  if (steps.length === 0) return undefined;
  const entries = steps.map(
    (step) => `${JSON.stringify(step)}:$(tasks.${step}.results.${ACTION_TASK_RESULT})`,
  );
  return `{${entries.join(',')}}`;
}

function pipelineTask(
  run: WorkflowExecution,
  step: WorkflowStep,
  verified: VerifiedStep | undefined,
): TektonPipelineTask {
  const inputs = verified?.inputs ?? step.inputs;
  const image = verified?.digest ? imageByDigest(step.image, verified.digest) : step.image;
  const upstream = upstreamOutputsOf(step.inputs);
  const params: TektonParam[] = [
    { name: P.actionType, value: step.actionType },
    { name: P.actionImage, value: image },
    { name: P.inputs, value: inertJson(inputs) },
    ...(upstream ? [{ name: P.upstreamOutputs, value: upstream }] : []),
    { name: P.step, value: step.name },
    { name: P.workflowExecution, value: run.metadata.name ?? '' },
  ];
  const timeoutMs = parseDuration(step.timeout ?? '');
  const retries = step.retries?.limit ?? 0;
  return {
    name: step.name,
    taskRef: { kind: 'Task', name: ACTION_TASK_NAME },
    params,
    ...(step.runAfter.length > 0 ? { runAfter: [...step.runAfter] } : {}),
    ...(retries > 0 ? { retries } : {}),
    ...(timeoutMs === undefined ? {} : { timeout: formatDuration(timeoutMs) }),
    ...(step.usesWorkspace
      ? { workspaces: [{ name: ACTION_TASK_WORKSPACE, workspace: PIPELINE_WORKSPACE }] }
      : {}),
  };
}

export function buildPipelineRun(run: WorkflowExecution, options: PipelineRunOptions): PipelineRun {
  const runName = run.metadata.name ?? '';
  const labels = { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [RUN_UID_LABEL]: run.metadata.uid ?? '' };
  const usesWorkspace = run.spec.steps.some((step) => step.usesWorkspace);
  const timeoutMs = parseDuration(run.spec.timeout ?? '');
  const { size, storageClassName } = options.workspace;
  return {
    apiVersion: TEKTON_API_VERSION,
    kind: 'PipelineRun',
    metadata: {
      name: pipelineRunName(runName),
      namespace: run.metadata.namespace ?? 'default',
      labels,
      annotations: { [RUN_NAME_ANNOTATION]: runName },
      ownerReferences: [ownerReferenceTo(run)],
    },
    spec: {
      pipelineSpec: {
        ...(usesWorkspace ? { workspaces: [{ name: PIPELINE_WORKSPACE }] } : {}),
        tasks: run.spec.steps.map((step) =>
          pipelineTask(run, step, options.verified?.get(step.name)),
        ),
      },
      ...(usesWorkspace
        ? {
            workspaces: [
              {
                name: PIPELINE_WORKSPACE,
                volumeClaimTemplate: {
                  metadata: { labels: { ...labels } },
                  spec: {
                    accessModes: ['ReadWriteOnce'],
                    resources: { requests: { storage: size } },
                    ...(storageClassName ? { storageClassName } : {}),
                  },
                },
              },
            ],
          }
        : {}),
      // "0" is Tekton's "no timeout": a run without one waits as long as on the Jobs backend.
      timeouts: { pipeline: timeoutMs === undefined ? '0' : formatDuration(timeoutMs) },
      ...serviceAccounts(run.spec.steps, options.serviceAccountName),
    },
  };
}

/** One shared account for every task, or each task its action's own (per-action). */
function serviceAccounts(
  steps: readonly { name: string; actionType: string }[],
  setting: string,
): Pick<PipelineRun['spec'], 'taskRunTemplate' | 'taskRunSpecs'> {
  if (setting !== PER_ACTION_SERVICE_ACCOUNTS)
    return { taskRunTemplate: { serviceAccountName: setting } };
  return {
    taskRunSpecs: steps.map((step) => ({
      pipelineTaskName: step.name,
      serviceAccountName: serviceAccountFor(setting, step.actionType),
    })),
  };
}
