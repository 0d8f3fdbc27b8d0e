/**
 * Polls a URL until it answers 2xx or the time runs out: a bounded check after a remediation
 * ("is the service back?"). Each request has its own timeout; the outcome names the last answer.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ActionError, invalidInput } from '../../../runtime/action-error.ts';
import { defineAction } from '../../../runtime/define-action.ts';
import { sendRequest } from '../../../lib/http/send-request.ts';

interface Inputs {
  url: string;
  timeoutSeconds: number;
  intervalSeconds: number;
  requestTimeoutSeconds: number;
}

export default defineAction<Inputs>(async (context) => {
  const { url, timeoutSeconds, intervalSeconds, requestTimeoutSeconds } = context.inputs;
  if (timeoutSeconds < 1 || timeoutSeconds > 3600)
    throw invalidInput('timeoutSeconds', `must be between 1 and 3600, got ${timeoutSeconds}`);
  if (intervalSeconds < 0.05 || intervalSeconds > 300)
    throw invalidInput('intervalSeconds', `must be between 0.05 and 300, got ${intervalSeconds}`);
  const started = Date.now();
  const deadline = started + timeoutSeconds * 1000;
  const label = `GET ${url}`;
  let last = 'no answer yet';
  for (let attempts = 1; ; attempts++) {
    const remaining = deadline - Date.now();
    try {
      const answer = await sendRequest({
        method: 'GET',
        url,
        timeoutMs: Math.max(1, Math.min(requestTimeoutSeconds * 1000, remaining)),
        signal: context.signal,
        label,
      });
      if (answer.status >= 200 && answer.status < 300) {
        const elapsedSeconds = (Date.now() - started) / 1000;
        context.log.info({ status: answer.status, attempts }, 'healthy');
        return { status: answer.status, attempts, elapsedSeconds };
      }
      last = `HTTP ${answer.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    context.log.info({ attempts, last }, 'not healthy yet');
    if (Date.now() + intervalSeconds * 1000 >= deadline || context.signal.aborted) {
      throw new ActionError(
        'Timeout',
        `${url} was not healthy within ${timeoutSeconds}s after ${attempts} attempt(s); last: ${last}`,
      );
    }
    await sleep(intervalSeconds * 1000, undefined, { signal: context.signal }).catch(
      () => undefined,
    );
  }
});
