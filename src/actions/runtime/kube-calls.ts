/**
 * Kubernetes API errors as action errors: a missing target is NotFound with the object
 * named, a 403 names the permission the contract lacks, anything else fails with the API's
 * own message (never the request, which may carry a token).
 */
import { ApiException } from '@kubernetes/client-node';
import { statusCodeOf } from '../../kube/errors.ts';
import { ActionError } from './action-error.ts';

/** Runs one API call about `what` ("deployment default/web") and explains its failure. */
export async function callApi<T>(what: string, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw explainApiError(what, error);
  }
}

export function explainApiError(what: string, error: unknown): ActionError {
  if (error instanceof ActionError) return error;
  const code = statusCodeOf(error);
  const detail = apiMessage(error);
  if (code === 404) return new ActionError('NotFound', `${what} not found`, { cause: error });
  if (code === 403) {
    // RBAC denials read `User "…" cannot patch resource …`; admission refusals say why.
    const denied = / cannot [a-z]+ resource /.test(detail);
    return denied
      ? new ActionError(
          'Failed',
          `forbidden on ${what}: the action's service account lacks a permission (${detail})`,
          { cause: error },
        )
      : new ActionError('Refused', `the API server refused the change to ${what}: ${detail}`, {
          cause: error,
        });
  }
  if (code === 422 || code === 400) {
    return new ActionError('Failed', `the API server rejected the change to ${what}: ${detail}`, {
      cause: error,
    });
  }
  return new ActionError('Failed', `${what}: ${detail}`, { cause: error });
}

/** The Status message of an API error, else the error's own message. */
function apiMessage(error: unknown): string {
  if (error instanceof ApiException) {
    const body: unknown = error.body;
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    try {
      const status = JSON.parse(text) as { message?: unknown };
      if (typeof status.message === 'string') return status.message;
    } catch {
      // not a Status object
    }
    return `HTTP ${error.code}`;
  }
  return error instanceof Error ? error.message : String(error);
}
