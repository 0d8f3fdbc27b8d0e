/**
 * The errors of on-demand operations, by code; the HTTP edge maps each code to a status
 * (handlers/workflows.ts), Slack to an ephemeral message. src/ knows nothing of HTTP.
 */
import type { Problem } from '../workflow/problems.ts';

export type OnDemandErrorCode =
  | 'Invalid'
  | 'NotFound'
  | 'Forbidden'
  | 'SelfApproval'
  | 'NotAwaitingApproval'
  | 'AlreadyDecided'
  | 'AlreadyFinished'
  | 'IdempotencyKeyReused'
  | 'Unavailable';

export class OnDemandError extends Error {
  override readonly name = 'OnDemandError';
  readonly code: OnDemandErrorCode;
  readonly problems: readonly Problem[];

  constructor(code: OnDemandErrorCode, message: string, problems: readonly Problem[] = []) {
    super(message);
    this.code = code;
    this.problems = problems;
  }
}
