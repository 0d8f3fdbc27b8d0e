/** The dispatcher's HTTP surface: one Hono app, routes mounted from the handlers. */
import { Hono } from 'hono';
import { requestId } from './request-id.ts';
import { pino } from 'pino';
import type { Registry } from 'prom-client';
import type { CredentialStore } from '../src/auth/credential-store.ts';
import type { Logger } from '../src/observability/logger.ts';
import type { Metrics } from '../src/observability/metrics.ts';
import {
  alertmanagerWebhookRoutes,
  type AlertmanagerWebhookOptions,
} from './alertmanager-webhook.ts';
import type { AppEnv } from './app-env.ts';
import { healthRoutes, type ReadinessCheck } from './health.ts';
import { errorBody, toHttpError } from './http-error.ts';
import { metricsRoutes } from './metrics.ts';
import { logRequests } from './request-log.ts';
import { workflowRoutes, type WorkflowRoutesOptions } from './workflows.ts';
import { slackRoutes, type SlackRoutesOptions } from './chatops-slack.ts';
import { openApiRoutes } from './openapi.ts';
import { UI_PATH, uiRoutes, type UiRoutesOptions } from './ui/ui-routes.ts';

export interface AppOptions {
  readiness: readonly ReadinessCheck[];
  /** Served at /metrics when given. */
  metrics?: Registry;
  /** HTTP request durations go here when given. */
  httpMetrics?: Pick<Metrics, 'httpRequestDuration'>;
  /** Request logs; silent when absent (tests). */
  logger?: Logger;
  /** The accepted tokens and users, for `requireScope` on authenticated routes. */
  credentials?: Pick<CredentialStore, 'authenticate'>;
  /** Alertmanager's webhook receiver (authenticated with `credentials`, scope `alerts`). */
  alertmanager?: AlertmanagerWebhookOptions;
  /** The on-demand API (/api/v1/workflows), mounted when given with `credentials`. */
  workflows?: Omit<WorkflowRoutesOptions, 'credentials'>;
  /** Slack's slash command (/api/v1/chatops/slack), signed with the signing secret. */
  slack?: SlackRoutesOptions;
  /** The web UI (/ui), mounted when given with `credentials`: its login takes the same tokens. */
  ui?: Omit<UiRoutesOptions, 'credentials'>;
}

export function createApp(options: AppOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const histogram = options.httpMetrics?.httpRequestDuration;
  app.use(requestId());
  app.use(
    logRequests({
      logger: options.logger ?? pino({ level: 'silent' }),
      ...(histogram
        ? {
            observe: (labels, seconds) => {
              histogram.observe(labels, seconds);
            },
          }
        : {}),
    }),
  );
  app.route('/', healthRoutes(options.readiness));
  if (options.metrics) app.route('/', metricsRoutes(options.metrics));
  if (options.alertmanager && options.credentials) {
    app.route(
      '/',
      alertmanagerWebhookRoutes({ ...options.alertmanager, credentials: options.credentials }),
    );
  }
  if (options.workflows && options.credentials) {
    app.route('/', workflowRoutes({ ...options.workflows, credentials: options.credentials }));
  }
  if (options.slack) app.route('/', slackRoutes(options.slack));
  app.route('/', openApiRoutes());
  if (options.ui && options.credentials) {
    app.route(UI_PATH, uiRoutes({ ...options.ui, credentials: options.credentials }));
  }
  app.notFound((c) =>
    c.json({ error: 'NotFound', message: `no route for ${c.req.method} ${c.req.path}` }, 404),
  );
  // The one place errors become HTTP: HttpError as thrown, zod errors as 400 naming the field,
  // anything else as a 500 whose details stay in the log.
  app.onError((error, c) => {
    const { httpError, unexpected } = toHttpError(error);
    if (unexpected) c.var.logger.error({ err: error }, 'unexpected error');
    for (const [name, value] of Object.entries(httpError.headers)) c.header(name, value);
    return c.json(errorBody(httpError, c.var.requestId), httpError.status);
  });
  return app;
}
