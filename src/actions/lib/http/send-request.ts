/**
 * One bounded HTTP request of an action (fetch, with a timeout and the action's stop signal).
 * Failures name the target by `label` — never the URL itself, which for incoming webhooks
 * is the secret.
 */
import { ActionError } from '../../runtime/action-error.ts';

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  timeoutMs: number;
  signal: AbortSignal;
  /** How messages name the target ("the Slack webhook", "GET https://api…"). */
  label: string;
}

export interface HttpAnswer {
  status: number;
  text: string;
}

export async function sendRequest(request: HttpRequest): Promise<HttpAnswer> {
  const headers: Record<string, string> = {
    'user-agent': 'kubernaut-dispatcher',
    ...request.headers,
  };
  if (request.json !== undefined) headers['content-type'] = 'application/json';
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers,
      ...(request.json === undefined ? {} : { body: JSON.stringify(request.json) }),
      redirect: 'manual',
      signal: AbortSignal.any([request.signal, AbortSignal.timeout(request.timeoutMs)]),
    });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    const cause =
      error instanceof Error
        ? error.cause instanceof Error
          ? error.cause.message
          : error.message
        : String(error);
    throw new ActionError('Failed', `${request.label}: no answer (${cause})`);
  }
}

/** A 2xx, or a Failed error quoting the start of the answer. */
export function expectSuccess(answer: HttpAnswer, label: string): HttpAnswer {
  if (answer.status >= 200 && answer.status < 300) return answer;
  throw new ActionError(
    'Failed',
    `${label} answered ${answer.status}: ${answer.text.slice(0, 200)}`,
  );
}
