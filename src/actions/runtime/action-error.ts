/**
 * The one error type of the action runtime. Its code decides the exit code, which is how the
 * engine tells "bad input" (exit 2: fix the workflow, retrying will not help) from "the action
 * failed" (exit 1: the world did not cooperate).
 */
export type ActionErrorCode =
  /** The inputs are missing, not JSON, or do not satisfy the contract. */
  | 'InvalidInput'
  /** The target the inputs name does not exist. */
  | 'NotFound'
  /** The action ran out of its own time budget (e.g. a rollout that never completes). */
  | 'Timeout'
  /** The action refused to do something unsafe (a ceiling, an allowlist, a guard). */
  | 'Refused'
  /** Anything else that went wrong while doing the work. */
  | 'Failed';

export class ActionError extends Error {
  override readonly name = 'ActionError';
  readonly code: ActionErrorCode;

  constructor(code: ActionErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

export function exitCodeOf(error: unknown): number {
  return error instanceof ActionError && error.code === 'InvalidInput'
    ? EXIT_BAD_INPUT
    : EXIT_FAILED;
}

/** A bad input, named by field: `inputs.<field>: <reason>`. */
export function invalidInput(field: string, reason: string): ActionError {
  return new ActionError('InvalidInput', `inputs.${field}: ${reason}`);
}
