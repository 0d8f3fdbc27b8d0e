/** Parses and validates a WorkflowExecution as read from the API server or a file. */
import { workflowExecutionSchema, type WorkflowExecution } from '../api/workflow-execution.ts';
import { problemsFromZod, type Validated } from './problems.ts';
import { validateSteps } from './validate-steps.ts';

export function validateWorkflowExecution(document: unknown): Validated<WorkflowExecution> {
  const parsed = workflowExecutionSchema.safeParse(document);
  if (!parsed.success) return { ok: false, problems: problemsFromZod(parsed.error) };
  const problems = validateSteps(parsed.data.spec.steps);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: parsed.data };
}
