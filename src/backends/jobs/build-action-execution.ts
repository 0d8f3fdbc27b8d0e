/** The ActionExecution of one step attempt (pure), from the planner's createAttempt effect. */
import type { ActionExecution } from '../../api/action-execution.ts';
import { formatDuration } from '../../api/duration.ts';
import { API_VERSION } from '../../api/group.ts';
import { attemptLabels, RUN_NAME_ANNOTATION } from '../../api/labels.ts';
import type { WorkflowExecution } from '../../api/workflow-execution.ts';
import type { Effect } from '../../workflow/plan-types.ts';
import { ownerReferenceTo } from './owner-reference.ts';

export type CreateAttempt = Extract<Effect, { type: 'createAttempt' }>;

export interface ActionExecutionOptions {
  /** The run's workspace claim, from the planned status. */
  claimName?: string | undefined;
}

export function buildActionExecution(
  run: WorkflowExecution,
  effect: CreateAttempt,
  { claimName }: ActionExecutionOptions,
): ActionExecution {
  return {
    apiVersion: API_VERSION,
    kind: 'ActionExecution',
    metadata: {
      name: effect.name,
      namespace: run.metadata.namespace,
      labels: attemptLabels(run.metadata.uid ?? '', effect.step, effect.attempt),
      annotations: { [RUN_NAME_ANNOTATION]: run.metadata.name ?? '' },
      ownerReferences: [ownerReferenceTo(run)],
    },
    spec: {
      workflowRef: {
        name: run.metadata.name ?? '',
        ...(run.metadata.uid ? { uid: run.metadata.uid } : {}),
      },
      step: effect.step,
      attempt: effect.attempt,
      actionType: effect.actionType,
      image: effect.image,
      inputs: effect.inputs,
      ...(effect.usesWorkspace && claimName ? { workspace: { claimName } } : {}),
      ...(effect.timeoutMs === undefined ? {} : { timeout: formatDuration(effect.timeoutMs) }),
    },
  };
}
