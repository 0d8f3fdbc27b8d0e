/**
 * The pre-flight of the Tekton backend (invariant 6): every step passes the same
 * StepStartCheck as a Jobs attempt before the PipelineRun exists. The check takes an
 * ActionExecution, so each step is presented as its first attempt would be on V1.
 *
 * Inputs that hold output references cannot be resolved yet (Tekton runs the steps): they
 * are left out of the checked inputs and named in the annotation
 * `kubernaut.ai/deferred-inputs`, so a contract check treats them as present but unknown;
 * the action runtime validates them once resolved.
 */
import { DEFERRED_INPUTS_ANNOTATION } from '../../api/labels.ts';
import type { ActionExecution } from '../../api/action-execution.ts';
import { parseDuration } from '../../api/duration.ts';
import type { JsonObject } from '../../api/primitives.ts';
import type { WorkflowExecution } from '../../api/workflow-execution.ts';
import type { WorkflowStep } from '../../api/workflow-step.ts';
import { attemptName } from '../../workflow/child-names.ts';
import { findOutputReferences } from '../../workflow/output-references.ts';
import { buildActionExecution } from '../jobs/build-action-execution.ts';
import type { StepStartCheck, StepStartResult } from '../jobs/step-start-check.ts';
import type { VerifiedStep } from './build-pipeline-run.ts';

export { DEFERRED_INPUTS_ANNOTATION };

export type PreflightResult =
  | { ok: true; verified: Map<string, VerifiedStep> }
  | { ok: false; step: string; reason: string; message: string };

/** The inputs a check can see now, and those only the action can resolve. */
export function splitDeferredInputs(inputs: JsonObject): { now: JsonObject; deferred: JsonObject } {
  const deferredKeys = new Set(
    findOutputReferences(inputs).map(({ path }) => String(path[0] ?? '')),
  );
  const now: JsonObject = {};
  const deferred: JsonObject = {};
  for (const [key, value] of Object.entries(inputs)) {
    if (deferredKeys.has(key)) deferred[key] = value;
    else now[key] = value;
  }
  return { now, deferred };
}

/** The ActionExecution the check sees for a step: its first attempt, as on the Jobs backend. */
export function preflightAction(run: WorkflowExecution, step: WorkflowStep): ActionExecution {
  const { now, deferred } = splitDeferredInputs(step.inputs);
  const timeoutMs = parseDuration(step.timeout ?? '');
  const action = buildActionExecution(
    run,
    {
      type: 'createAttempt',
      step: step.name,
      attempt: 1,
      name: attemptName(run.metadata.name ?? '', step.name, 1),
      actionType: step.actionType,
      image: step.image,
      inputs: now,
      usesWorkspace: step.usesWorkspace,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    },
    {},
  );
  const keys = Object.keys(deferred);
  if (keys.length > 0) {
    action.metadata.annotations = {
      ...action.metadata.annotations,
      [DEFERRED_INPUTS_ANNOTATION]: keys.join(','),
    };
  }
  return action;
}

/** Runs the check on every step; the first failure (in step order) fails the run. */
export async function preflightSteps(
  run: WorkflowExecution,
  check: StepStartCheck,
  onResult: (result: StepStartResult) => void = () => undefined,
): Promise<PreflightResult> {
  const results = await Promise.all(
    run.spec.steps.map(async (step) => {
      const result = await check.check(preflightAction(run, step));
      onResult(result);
      return { step, result };
    }),
  );
  const verified = new Map<string, VerifiedStep>();
  for (const { step, result } of results) {
    if (!result.ok) {
      return { ok: false, step: step.name, reason: result.reason, message: result.message };
    }
    const { deferred } = splitDeferredInputs(step.inputs);
    verified.set(step.name, {
      digest: result.verification.digest,
      inputs: result.inputs ? { ...result.inputs, ...deferred } : step.inputs,
    });
  }
  return { ok: true, verified };
}
