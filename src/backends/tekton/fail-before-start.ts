/**
 * A run whose pre-flight failed ends before anything exists (pure): the failing step Failed
 * with the check's reason, the others Skipped, the run Failed with the same reason, as a
 * refused step start ends a run on the Jobs backend.
 */
import {
  TERMINAL_RUN_PHASES,
  type WorkflowExecution,
  type WorkflowExecutionStatus,
} from '../../api/workflow-execution.ts';
import { setCondition } from '../../workflow/conditions.ts';
import { CONDITION_SUCCEEDED } from '../../workflow/plan.ts';
import type { RecordEvent } from './step-events.ts';

export interface StartFailure {
  step: string;
  reason: string;
  message: string;
}

export function failBeforeStart(
  status: WorkflowExecutionStatus,
  failure: StartFailure,
  now: Date,
): { status: WorkflowExecutionStatus; events: RecordEvent[] } {
  const at = now.toISOString();
  const message = `step ${failure.step} failed (${failure.reason}): ${failure.message}`;
  const steps = status.steps.map((step) =>
    step.name === failure.step
      ? {
          ...step,
          phase: 'Failed' as const,
          reason: failure.reason,
          message: failure.message,
          completedAt: at,
        }
      : { ...step, phase: 'Skipped' as const, reason: 'StepFailed' },
  );
  return {
    status: {
      ...status,
      phase: 'Failed',
      steps,
      completedAt: at,
      conditions: setCondition(
        status.conditions,
        {
          type: CONDITION_SUCCEEDED,
          status: 'False',
          reason: 'StepFailed',
          message,
          observedGeneration: status.observedGeneration ?? 0,
        },
        at,
      ),
    },
    events: [
      { type: 'recordEvent', eventType: 'Warning', reason: failure.reason, message },
      { type: 'recordEvent', eventType: 'Warning', reason: 'RunFailed', message },
    ],
  };
}

/**
 * A run routed to Tekton when Tekton is no longer served (uninstalled, or this replica
 * started without it): it cannot be followed, so it fails with a reason instead of waiting.
 */
export function tektonUnavailable(
  run: WorkflowExecution,
  now: Date,
): { status: WorkflowExecutionStatus; effects: RecordEvent[] } {
  const previous: WorkflowExecutionStatus = run.status ?? { steps: [], conditions: [] };
  if (previous.phase && TERMINAL_RUN_PHASES.has(previous.phase)) {
    return { status: previous, effects: [] };
  }
  const steps = run.spec.steps.map(
    (step) =>
      previous.steps.find((known) => known.name === step.name) ?? {
        name: step.name,
        phase: 'Pending' as const,
        attempt: 0,
      },
  );
  const failed = failBeforeStart(
    { ...previous, steps },
    {
      step: run.spec.steps[0]?.name ?? '',
      reason: 'TektonUnavailable',
      message: 'the run is on the Tekton backend, but tekton.dev/v1 PipelineRuns are not served',
    },
    now,
  );
  return { status: failed.status, effects: failed.events };
}
