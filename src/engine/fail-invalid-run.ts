/**
 * A run whose object does not even parse (the API server's schema is looser than ours, e.g.
 * for the `source` union) cannot be planned; it ends Failed with every problem named (pure).
 */
import type { WorkflowExecution, WorkflowExecutionStatus } from '../api/workflow-execution.ts';
import { CONDITION_SUCCEEDED, CONDITION_VALIDATED } from '../workflow/plan.ts';
import { setCondition } from '../workflow/conditions.ts';

export function failInvalidRun(
  raw: unknown,
  message: string,
  now: Date,
):
  | {
      run: WorkflowExecution;
      previous: WorkflowExecutionStatus | undefined;
      status: WorkflowExecutionStatus;
    }
  | undefined {
  const run = raw as WorkflowExecution;
  const previous = run.status;
  if (previous?.phase === 'Failed') return undefined;
  const at = now.toISOString();
  const observedGeneration = run.metadata.generation ?? 0;
  let conditions = setCondition(
    previous?.conditions ?? [],
    {
      type: CONDITION_VALIDATED,
      status: 'False',
      reason: 'ValidationFailed',
      message,
      observedGeneration,
    },
    at,
  );
  conditions = setCondition(
    conditions,
    {
      type: CONDITION_SUCCEEDED,
      status: 'False',
      reason: 'ValidationFailed',
      message,
      observedGeneration,
    },
    at,
  );
  const status: WorkflowExecutionStatus = {
    ...previous,
    phase: 'Failed',
    steps: previous?.steps ?? [],
    conditions,
    observedGeneration,
    completedAt: at,
  };
  return { run, previous, status };
}
