/**
 * The one error type of the HTTP edge. Handlers and middleware throw it; `onError` in app.ts
 * maps it (and zod errors, and anything unexpected) to a JSON body:
 *   { "error": "<Code>", "message": "...", "details": [{ "field": "spec.x", "message": "..." }] }
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { OnDemandError, type OnDemandErrorCode } from '../src/ondemand/on-demand-error.ts';
import { problemsFromZod, type Problem } from '../src/workflow/problems.ts';

/** A field of the request (body path, query parameter, header) and what is wrong with it. */
export interface FieldDetail {
  field: string;
  message: string;
}

export interface HttpErrorOptions {
  status: ContentfulStatusCode;
  /** A stable machine-readable code, e.g. `Forbidden`, `InvalidRequest`, `RateLimited`. */
  code: string;
  message: string;
  details?: readonly FieldDetail[];
  /** Extra response headers (WWW-Authenticate, Retry-After). */
  headers?: Readonly<Record<string, string>>;
}

export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly status: ContentfulStatusCode;
  readonly code: string;
  readonly details: readonly FieldDetail[];
  readonly headers: Readonly<Record<string, string>>;

  constructor(options: HttpErrorOptions) {
    super(options.message);
    this.status = options.status;
    this.code = options.code;
    this.details = options.details ?? [];
    this.headers = options.headers ?? {};
  }
}

export interface ErrorBody {
  error: string;
  message: string;
  details?: FieldDetail[];
  requestId?: string;
}

/** Problems from the validators (`path`) as response details (`field`). */
export function detailsFromProblems(problems: readonly Problem[]): FieldDetail[] {
  return problems.map((problem) => ({ field: problem.path || '(root)', message: problem.message }));
}

/** A 400 naming every invalid field. */
export function invalidRequest(message: string, problems: readonly Problem[]): HttpError {
  return new HttpError({
    status: 400,
    code: 'InvalidRequest',
    message,
    details: detailsFromProblems(problems),
  });
}

const ON_DEMAND_STATUS: Record<OnDemandErrorCode, ContentfulStatusCode> = {
  Invalid: 400,
  NotFound: 404,
  Forbidden: 403,
  SelfApproval: 403,
  NotAwaitingApproval: 409,
  AlreadyDecided: 409,
  AlreadyFinished: 409,
  IdempotencyKeyReused: 422,
  Unavailable: 503,
};

function fromOnDemandError(error: OnDemandError): HttpError {
  return new HttpError({
    status: ON_DEMAND_STATUS[error.code],
    code: error.code === 'Invalid' ? 'InvalidRequest' : error.code,
    message: error.message,
    details: detailsFromProblems(error.problems),
    ...(error.code === 'Unavailable' ? { headers: { 'Retry-After': '5' } } : {}),
  });
}

/**
 * Maps any thrown value to an HttpError. Unknown errors become a bare 500: their message may
 * hold internals (hosts, paths, API responses) that a caller must not see; the log has them.
 */
export function toHttpError(error: unknown): { httpError: HttpError; unexpected: boolean } {
  if (error instanceof HttpError) return { httpError: error, unexpected: false };
  if (error instanceof OnDemandError)
    return { httpError: fromOnDemandError(error), unexpected: false };
  if (error instanceof z.ZodError) {
    const problems = problemsFromZod(error);
    const summary = problems.map((p) => `${p.path || '(root)'}: ${p.message}`).join('; ');
    return {
      httpError: invalidRequest(`invalid request: ${summary}`, problems),
      unexpected: false,
    };
  }
  return {
    httpError: new HttpError({
      status: 500,
      code: 'InternalError',
      message: 'internal error; the request id locates it in the dispatcher log',
    }),
    unexpected: true,
  };
}

export function errorBody(error: HttpError, requestId: string | undefined): ErrorBody {
  return {
    error: error.code,
    message: error.message,
    ...(error.details.length > 0 ? { details: [...error.details] } : {}),
    ...(requestId ? { requestId } : {}),
  };
}
