/**
 * Labels and annotations on everything the dispatcher creates. Label values are at most 63
 * characters, so objects are selected by the run's uid; full names ride in annotations.
 */
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from './group.ts';

export { MANAGED_BY_LABEL, MANAGED_BY_VALUE };

export const RUN_UID_LABEL = 'kubernaut.ai/run-uid';
export const STEP_LABEL = 'kubernaut.ai/step';
export const ATTEMPT_LABEL = 'kubernaut.ai/attempt';
export const ACTION_EXECUTION_LABEL = 'kubernaut.ai/action-execution';
export const RUN_NAME_ANNOTATION = 'kubernaut.ai/workflow-execution';

/** Selects every object the dispatcher manages, for its informers. */
export const MANAGED_SELECTOR = 'app.kubernetes.io/managed-by=kubernaut-dispatcher';

/** The labels of every object that belongs to one step attempt. */
export function attemptLabels(
  runUid: string,
  step: string,
  attempt: number,
): Record<string, string> {
  return {
    [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
    [RUN_UID_LABEL]: runUid,
    [STEP_LABEL]: step,
    [ATTEMPT_LABEL]: String(attempt),
  };
}

/**
 * On runs started from an alert: which template (its name, bounded to a label value), which
 * target (a hash: `namespace/Kind/name` holds slashes, which label values cannot) and which
 * alert. Guardrails and resolves select runs by these from the informer cache, so their state
 * survives restarts and is shared by every replica.
 */
export const TEMPLATE_LABEL = 'kubernaut.ai/template';
export const TARGET_HASH_LABEL = 'kubernaut.ai/target-hash';
export const ALERT_FINGERPRINT_LABEL = 'kubernaut.ai/alert-fingerprint';

/**
 * On a pre-flight ActionExecution of the Tekton backend: inputs (comma-separated) that hold
 * `$(steps.X.outputs.Y)` references, resolved only when the step runs. The contract check
 * treats them as declared-but-unknown: they must be inputs of the contract, their values are
 * checked by the action runtime.
 */
export const DEFERRED_INPUTS_ANNOTATION = 'kubernaut.ai/deferred-inputs';
