/**
 * POST /api/v1/webhooks/alertmanager: Alertmanager's webhook receiver. Its delivery rules
 * decide every status code: it retries only 5xx answers and network errors (with backoff,
 * for up to max(group_interval, 10s)) and drops every 4xx for good. So a body that is not a
 * webhook payload is 400 (a retry cannot fix it), a bad alert inside a good payload is
 * `rejected` in a 200 summary, and anything a retry can fix — overload, rate limit, the
 * caches not synced, the Kubernetes API failing or slow — is 503 with Retry-After, never 429.
 * The answer comes within the deadline: a stuck API call turns into a 503, not a hung request.
 */
import { Hono } from 'hono';
import { parseWebhookPayload, type WebhookPayload } from '../src/alerts/webhook-payload.ts';
import type { IntakeSummary } from '../src/alerts/intake-outcome.ts';
import type { CredentialStore } from '../src/auth/credential-store.ts';
import type { AppEnv } from './app-env.ts';
import { limitBodySize, readJsonBody, requireContentType } from './body-limits.ts';
import { HttpError } from './http-error.ts';
import { rateLimitPerCaller } from './rate-limit.ts';
import { requireScope } from './require-scope.ts';

export const ALERTMANAGER_WEBHOOK_PATH = '/api/v1/webhooks/alertmanager';

export interface AlertmanagerWebhookOptions {
  intake: {
    /** The summary at once when memory answers every alert, else a promise of it. */
    process(payload: WebhookPayload): IntakeSummary | Promise<IntakeSummary>;
    /** False until the template and run caches hold their first list. */
    isReady(): boolean;
  };
  maxBodyBytes: number;
  /** The answer is due within this time (default 5 s); later, 503. */
  deadlineMs?: number;
  /** Requests handled at once; more answer 503 at once. */
  maxInFlight?: number;
  /** Per credential; none when absent. */
  rateLimit?: { perSecond: number; burst: number };
  now?: () => Date;
}

function unavailable(message: string, retryAfterSeconds: number): HttpError {
  return new HttpError({
    status: 503,
    code: 'Unavailable',
    message,
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });
}

export function alertmanagerWebhookRoutes(
  options: AlertmanagerWebhookOptions & { credentials: Pick<CredentialStore, 'authenticate'> },
): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  const now = options.now ?? (() => new Date());
  const deadlineMs = options.deadlineMs ?? 5_000;
  const maxInFlight = options.maxInFlight ?? 256;
  let inFlight = 0;
  routes.post(
    ALERTMANAGER_WEBHOOK_PATH,
    requireScope({ credentials: options.credentials, scope: 'alerts' }),
    ...(options.rateLimit ? [rateLimitPerCaller({ ...options.rateLimit, status: 503 })] : []),
    limitBodySize({ maxBytes: options.maxBodyBytes }),
    requireContentType(),
    async function receiveAlerts(c) {
      if (inFlight >= maxInFlight) {
        throw unavailable(`overloaded: ${String(inFlight)} notifications in progress`, 1);
      }
      if (!options.intake.isReady()) {
        throw unavailable('the template and run caches are not synced yet', 5);
      }
      const parsed = parseWebhookPayload(await readJsonBody(c), now());
      if (!parsed.ok) {
        const field = parsed.error.slice(0, parsed.error.indexOf(':'));
        throw new HttpError({
          status: 400,
          code: 'InvalidPayload',
          message: `not an Alertmanager webhook payload: ${parsed.error}`,
          details: [{ field, message: parsed.error.slice(field.length + 2) }],
        });
      }
      const answer = options.intake.process(parsed.payload);
      let summary: IntakeSummary;
      if (!(answer instanceof Promise)) summary = answer;
      else {
        // Counted until the work ends, not until the answer: work past its deadline still loads.
        inFlight++;
        const work = answer.finally(() => {
          inFlight--;
        });
        const answered = await withDeadline(work, deadlineMs);
        if (answered === undefined) {
          throw unavailable(`not answered within ${String(deadlineMs)} ms; retry`, 1);
        }
        summary = answered;
      }
      if (summary.status === 503) c.header('Retry-After', '1');
      return c.json(summary, summary.status);
    },
  );
  return routes;
}

/** The value, or undefined when the deadline passes first (the work goes on; a retry dedups). */
async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      resolve(undefined);
    }, ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
