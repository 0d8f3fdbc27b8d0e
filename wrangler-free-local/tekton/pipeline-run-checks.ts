/**
 * What Tekton checks before a PipelineRun starts (its webhook and reconciler): a valid
 * pipeline spec, every required param given, every required workspace bound. Each failure
 * is a reason and message of the run's Succeeded=False condition.
 */
import { validatePipelineSpec } from './pipeline-dag.ts';
import { missingParams } from './pipeline-variables.ts';
import type { PipelineRun, PipelineSpec } from './types.ts';

export interface RunFailure {
  reason: string;
  error: string;
}

export function checkPipelineRun(run: PipelineRun, spec: PipelineSpec): RunFailure | undefined {
  const namespace = run.metadata?.namespace ?? 'default';
  const runName = run.metadata?.name ?? '';
  const pipeline = `${namespace}/${run.spec?.pipelineRef?.name ?? runName}`;
  const invalid = validatePipelineSpec(spec);
  if (invalid)
    return {
      reason: 'PipelineValidationFailed',
      error: `Pipeline ${pipeline} can't be Run; it has an invalid spec: ${invalid}`,
    };
  const missing = missingParams(spec.params ?? [], run.spec?.params ?? []);
  if (missing.length > 0)
    return {
      reason: 'ParameterMissing',
      error: `PipelineRun ${namespace}/${runName} is missing some parameters required by Pipeline ${pipeline}'s parameters: pipelineRun missing parameters: [${missing.join(' ')}]`,
    };
  const bound = new Set((run.spec?.workspaces ?? []).map((binding) => binding.name));
  const unbound = (spec.workspaces ?? []).find(
    (workspace) => !workspace.optional && !bound.has(workspace.name),
  );
  if (unbound)
    return {
      reason: 'InvalidWorkspaceBindings',
      error: `PipelineRun ${namespace}/${runName} doesn't bind Pipeline ${pipeline}'s Workspaces correctly: pipeline requires workspace with name "${unbound.name}" be provided by pipelinerun`,
    };
  return undefined;
}

/** The Tasks a pipeline refers to by name (tasks and finally). */
export function referencedTasks(spec: PipelineSpec): string[] {
  const names = [...(spec.tasks ?? []), ...(spec.finally ?? [])].flatMap((task) =>
    task.taskRef?.name ? [task.taskRef.name] : [],
  );
  return [...new Set(names)];
}
