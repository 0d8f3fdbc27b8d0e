/** Submitting runs to a chosen backend and listing a run's Tekton objects, for engine tests. */
import type { WorkflowExecution } from '../../../src/api/workflow-execution.ts';
import type { WorkflowStepInput } from '../../../src/api/workflow-step.ts';
import { submitRun } from '../../fixtures/submit-run.ts';
import type { EngineHarness } from './engine-harness.ts';

/** A run with the `kubernaut.ai/backend` annotation (or none, to follow the routing flags). */
export async function submitTo(
  harness: EngineHarness,
  name: string,
  backend: 'jobs' | 'tekton' | undefined,
  steps: WorkflowStepInput[],
  spec: Record<string, unknown> = {},
): Promise<void> {
  await submitRun(
    harness.customObjects,
    name,
    { workflowType: 'test', steps, ...spec },
    backend ? { 'kubernaut.ai/backend': backend } : undefined,
  );
}

export async function tektonList(
  harness: EngineHarness,
  plural: 'pipelineruns' | 'taskruns',
  run: WorkflowExecution,
): Promise<unknown[]> {
  const list = (await harness.customObjects.listNamespacedCustomObject({
    group: 'tekton.dev',
    version: 'v1',
    namespace: 'default',
    plural,
    labelSelector: `kubernaut.ai/run-uid=${run.metadata.uid ?? ''}`,
  })) as { items: unknown[] };
  return list.items;
}
