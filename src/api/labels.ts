/**
 * Labels and annotations on everything the dispatcher creates. Label values are at most 63
 * characters, so objects are selected by the run's uid; full names ride in annotations.
 */
export { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from './group.ts';

export const RUN_UID_LABEL = 'kubernaut.ai/run-uid';
export const STEP_LABEL = 'kubernaut.ai/step';
export const ATTEMPT_LABEL = 'kubernaut.ai/attempt';
export const ACTION_EXECUTION_LABEL = 'kubernaut.ai/action-execution';
export const RUN_NAME_ANNOTATION = 'kubernaut.ai/workflow-execution';

/** Selects every object the dispatcher manages, for its informers. */
export const MANAGED_SELECTOR = 'app.kubernetes.io/managed-by=kubernaut-dispatcher';
