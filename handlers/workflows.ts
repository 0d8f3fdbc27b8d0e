/**
 * The on-demand API: run a template (scope run) or an ad-hoc workflow (admin), list and read
 * runs (read), cancel (run), approve and reject (approve). Thin: parse with the zod schemas,
 * call the WorkflowService, shape the answer; errors go to the app's one onError.
 */
import { Hono, type Context } from 'hono';
import type { CredentialStore } from '../src/auth/credential-store.ts';
import type { WorkflowExecution } from '../src/api/workflow-execution.ts';
import type { WorkflowService } from '../src/ondemand/workflow-service.ts';
import type { AppEnv } from './app-env.ts';
import {
  assertContentType,
  limitBodySize,
  readJsonBody,
  requireContentType,
} from './body-limits.ts';
import { rateLimitPerCaller } from './rate-limit.ts';
import { requireScope } from './require-scope.ts';
import {
  createWorkflowRequestSchema,
  decisionRequestSchema,
  idempotencyKeySchema,
  listWorkflowsQuerySchema,
} from './workflow-schemas.ts';

export const WORKFLOWS_PATH = '/api/v1/workflows';

export interface WorkflowRoutesOptions {
  service: Pick<
    WorkflowService,
    'createRun' | 'listRuns' | 'getRunDetail' | 'cancelRun' | 'decide'
  >;
  credentials: Pick<CredentialStore, 'authenticate'>;
  rateLimit: { perSecond: number; burst: number; now?: () => number };
  maxBodyBytes: number;
}

/** What callers see of a run: the object without the API server's bookkeeping. */
export function presentRun(run: WorkflowExecution): WorkflowExecution {
  const metadata: Record<string, unknown> = { ...run.metadata };
  delete metadata['managedFields'];
  return { ...run, metadata };
}

function callerOf(c: Context<AppEnv>) {
  return { ...c.var.caller, via: 'api' as const };
}

function runLocation(run: WorkflowExecution): string {
  return `${WORKFLOWS_PATH}/${run.metadata.namespace ?? ''}/${run.metadata.name ?? ''}`;
}

export function workflowRoutes(options: WorkflowRoutesOptions): Hono<AppEnv> {
  const { service, credentials } = options;
  const routes = new Hono<AppEnv>();
  // One bucket set for every route: the limit is per caller across the API.
  const limit = rateLimitPerCaller({ ...options.rateLimit, status: 429 });
  const body = [limitBodySize({ maxBytes: options.maxBodyBytes }), requireContentType()] as const;
  const scope = (name: 'read' | 'run' | 'approve') => requireScope({ credentials, scope: name });

  routes.post(WORKFLOWS_PATH, scope('run'), limit, ...body, async function createWorkflow(c) {
    const key = c.req.header('Idempotency-Key');
    const idempotencyKey = key === undefined ? undefined : idempotencyKeySchema.parse(key);
    const request = createWorkflowRequestSchema.parse(await readJsonBody(c));
    const { run, created } = await service.createRun(callerOf(c), request, idempotencyKey);
    c.header('Location', runLocation(run));
    // A replay answers as the original request did, and says so.
    if (!created) c.header('Idempotent-Replayed', 'true');
    c.var.logger.info({ run: runLocation(run), created }, 'on-demand run');
    return c.json(presentRun(run), 201);
  });

  routes.get(WORKFLOWS_PATH, scope('read'), limit, async function listWorkflows(c) {
    const query = listWorkflowsQuerySchema.parse(c.req.query());
    const page = await service.listRuns({
      namespace: query.namespace,
      template: query.template,
      target: query.target,
      phase: query.phase,
      labelSelector: query.labelSelector,
      limit: query.limit,
      continueToken: query.continue,
    });
    return c.json({
      items: page.items.map(presentRun),
      ...(page.continueToken ? { continue: page.continueToken } : {}),
    });
  });

  routes.get(
    `${WORKFLOWS_PATH}/:namespace/:name`,
    scope('read'),
    limit,
    async function getWorkflow(c) {
      const { run, events } = await service.getRunDetail(
        c.req.param('namespace'),
        c.req.param('name'),
      );
      return c.json({
        run: presentRun(run),
        events: events.map((event) => ({
          type: event.type,
          reason: event.reason,
          message: event.message,
          count: event.count,
          firstTimestamp: event.firstTimestamp?.toISOString(),
          lastTimestamp: event.lastTimestamp?.toISOString(),
        })),
      });
    },
  );

  routes.post(
    `${WORKFLOWS_PATH}/:namespace/:name/cancel`,
    scope('run'),
    limit,
    async function cancelWorkflow(c) {
      const run = await service.cancelRun(
        callerOf(c),
        c.req.param('namespace'),
        c.req.param('name'),
      );
      return c.json(presentRun(run));
    },
  );

  for (const [verb, decision] of [
    ['approve', 'Approved'],
    ['reject', 'Rejected'],
  ] as const) {
    routes.post(
      `${WORKFLOWS_PATH}/:namespace/:name/${verb}`,
      scope('approve'),
      limit,
      limitBodySize({ maxBytes: options.maxBodyBytes }),
      async function decideWorkflow(c) {
        const reason = await readDecisionReason(c);
        const run = await service.decide(
          callerOf(c),
          c.req.param('namespace'),
          c.req.param('name'),
          decision,
          reason,
        );
        return c.json(presentRun(run));
      },
    );
  }
  return routes;
}

/** The body is optional: `{ "reason": "..." }` when given, as JSON. */
async function readDecisionReason(c: Context<AppEnv>): Promise<string | undefined> {
  const text = await c.req.text();
  if (text.trim() === '') return undefined;
  assertContentType(c.req.header('Content-Type'), ['application/json']);
  return decisionRequestSchema.parse(await readJsonBody(c)).reason;
}
