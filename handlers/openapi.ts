/**
 * GET /openapi.json: an OpenAPI 3.1 document generated from the zod schemas the handlers parse
 * with (zod 4's JSON Schema output is draft 2020-12, which OpenAPI 3.1 uses as is), so the
 * document cannot drift from the code. Built once, on first request.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { ALERT_RESULTS } from '../src/alerts/intake-outcome.ts';
import type { AppEnv } from './app-env.ts';
import { ALERTMANAGER_WEBHOOK_PATH } from './alertmanager-webhook.ts';
import { SLACK_PATH } from './chatops-slack.ts';
import { WORKFLOWS_PATH } from './workflows.ts';
import {
  adHocWorkflowSchema,
  createWorkflowRequestSchema,
  decisionRequestSchema,
  errorBodySchema,
  listWorkflowsQuerySchema,
  runEventSchema,
  workflowDetailSchema,
  workflowListSchema,
  workflowRunSchema,
} from './workflow-schemas.ts';

type JsonObject = Record<string, unknown>;

/**
 * Alertmanager's webhook body as documented (version 4); the handler tolerates unknown and
 * older fields. TODO(intake): reference the parser's own schema once webhook-payload.ts exports it.
 */
const alertmanagerPayloadSchema = z.looseObject({
  version: z.string().optional(),
  receiver: z.string().optional(),
  status: z.enum(['firing', 'resolved']).optional(),
  groupKey: z.string().optional(),
  alerts: z
    .array(
      z.looseObject({
        status: z.enum(['firing', 'resolved']).optional(),
        labels: z.record(z.string(), z.string()),
        annotations: z.record(z.string(), z.string()).optional(),
        startsAt: z.string(),
        endsAt: z.string().optional(),
        generatorURL: z.string().optional(),
        fingerprint: z.string().optional(),
      }),
    )
    .min(1),
});

const intakeSummarySchema = z.object({
  receiver: z.string().optional(),
  counts: z.record(z.enum(ALERT_RESULTS), z.int()),
  alerts: z.array(
    z.looseObject({ index: z.int(), result: z.enum(ALERT_RESULTS), run: z.string().optional() }),
  ),
});

const slackMessageSchema = z.object({
  response_type: z.enum(['ephemeral', 'in_channel']),
  text: z.string(),
});

const slackCommandSchema = z.looseObject({
  command: z.string(),
  text: z.string().describe('run <template> key=value... | status|approve|reject|cancel <run>'),
  user_id: z.string(),
  team_id: z.string().optional(),
});

/** Named schemas: each becomes components/schemas/<id>, and references between them $refs. */
export const COMPONENT_SCHEMAS: Record<string, z.ZodType> = {
  CreateWorkflowRequest: createWorkflowRequestSchema,
  AdHocWorkflow: adHocWorkflowSchema,
  DecisionRequest: decisionRequestSchema,
  WorkflowExecution: workflowRunSchema,
  RunEvent: runEventSchema,
  WorkflowDetail: workflowDetailSchema,
  WorkflowList: workflowListSchema,
  Error: errorBodySchema,
  AlertmanagerPayload: alertmanagerPayloadSchema,
  IntakeSummary: intakeSummarySchema,
  SlackCommand: slackCommandSchema,
  SlackMessage: slackMessageSchema,
};

function componentSchemas(): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(COMPONENT_SCHEMAS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    uri: (id) => `#/components/schemas/${id}`,
    io: 'input',
    unrepresentable: 'any',
  }) as { schemas: Record<string, JsonObject> };
  // Inside an OpenAPI document the components are not standalone JSON Schema resources.
  for (const schema of Object.values(schemas)) {
    delete schema['$schema'];
    delete schema['$id'];
  }
  return schemas;
}

const ref = (id: string): JsonObject => ({ $ref: `#/components/schemas/${id}` });
const json = (id: string, description: string): JsonObject => ({
  description,
  content: { 'application/json': { schema: ref(id) } },
});

function errors(...codes: number[]): JsonObject {
  const text: Record<number, string> = {
    400: 'invalid request; details name each field',
    401: 'no or unknown credentials (WWW-Authenticate says how)',
    403: 'the credential lacks the scope, or the approver is the requester',
    404: 'no such run or template',
    409: 'the run has ended or was already decided',
    413: 'body too large',
    415: 'wrong Content-Type',
    422: 'Idempotency-Key reused for another request',
    429: 'rate limited; see Retry-After',
    503: 'Kubernetes API unavailable, overloaded or not ready; see Retry-After',
  };
  return Object.fromEntries(codes.map((code) => [String(code), json('Error', text[code] ?? '')]));
}

const API_SECURITY = [{ bearerAuth: [] }, { basicAuth: [] }];
const runPath = (suffix = ''): string => `${WORKFLOWS_PATH}/{namespace}/{name}${suffix}`;
const pathParameters = ['namespace', 'name'].map((name) => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'string' },
}));

function queryParameters(): JsonObject[] {
  const schema = z.toJSONSchema(listWorkflowsQuerySchema, { io: 'input' }) as {
    properties: Record<string, JsonObject>;
  };
  return Object.entries(schema.properties).map(([name, property]) => ({
    name,
    in: 'query',
    required: false,
    schema: property,
  }));
}

function decisionOperation(verb: 'approve' | 'reject'): JsonObject {
  return {
    post: {
      operationId: `${verb}Workflow`,
      summary: `${verb === 'approve' ? 'Approve' : 'Reject'} a run awaiting approval (scope approve; not the requester)`,
      security: API_SECURITY,
      parameters: pathParameters,
      requestBody: {
        required: false,
        content: { 'application/json': { schema: ref('DecisionRequest') } },
      },
      responses: {
        '200': json('WorkflowExecution', 'the decided run'),
        ...errors(400, 401, 403, 404, 409, 429, 503),
      },
    },
  };
}

export function buildOpenApiDocument(): JsonObject {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Kubernaut Dispatcher',
      version: '0.1.0',
      description: 'Alertmanager webhooks and on-demand remediation runs. See docs/api.md.',
    },
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'A token from the credentials file.',
        },
        basicAuth: {
          type: 'http',
          scheme: 'basic',
          description: 'A user from the credentials file.',
        },
        slackSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Slack-Signature',
          description:
            'v0= HMAC-SHA256 of v0:{X-Slack-Request-Timestamp}:{body} with the signing secret.',
        },
      },
    },
    paths: {
      [WORKFLOWS_PATH]: {
        post: {
          operationId: 'createWorkflow',
          summary: 'Run a template (scope run) or an ad-hoc workflow (scope admin)',
          security: API_SECURITY,
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              schema: { type: 'string', maxLength: 255 },
            },
          ],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('CreateWorkflowRequest') } },
          },
          responses: {
            '201': json('WorkflowExecution', 'the run (also for a replayed Idempotency-Key)'),
            ...errors(400, 401, 403, 404, 413, 415, 422, 429, 503),
          },
        },
        get: {
          operationId: 'listWorkflows',
          summary: 'List runs (scope read), filtered and paginated on the API server',
          security: API_SECURITY,
          parameters: queryParameters(),
          responses: {
            '200': json('WorkflowList', 'one page of runs'),
            ...errors(400, 401, 403, 429, 503),
          },
        },
      },
      [runPath()]: {
        get: {
          operationId: 'getWorkflow',
          summary: 'A run with its status, steps, outputs and Events (scope read)',
          security: API_SECURITY,
          parameters: pathParameters,
          responses: {
            '200': json('WorkflowDetail', 'the run and its Events'),
            ...errors(401, 403, 404, 429, 503),
          },
        },
      },
      [runPath('/cancel')]: {
        post: {
          operationId: 'cancelWorkflow',
          summary: 'Stop a run (scope run)',
          security: API_SECURITY,
          parameters: pathParameters,
          responses: {
            '200': json('WorkflowExecution', 'the run, cancel requested'),
            ...errors(401, 403, 404, 409, 429, 503),
          },
        },
      },
      [runPath('/approve')]: decisionOperation('approve'),
      [runPath('/reject')]: decisionOperation('reject'),
      [SLACK_PATH]: {
        post: {
          operationId: 'slackCommand',
          summary: 'Slack slash command /kubernaut (signed by Slack)',
          security: [{ slackSignature: [] }],
          parameters: [
            {
              name: 'X-Slack-Request-Timestamp',
              in: 'header',
              required: true,
              schema: { type: 'string' },
            },
          ],
          requestBody: {
            required: true,
            content: { 'application/x-www-form-urlencoded': { schema: ref('SlackCommand') } },
          },
          responses: {
            '200': json('SlackMessage', 'Slack response (errors are ephemeral)'),
            ...errors(400, 401, 413, 415),
          },
        },
      },
      [ALERTMANAGER_WEBHOOK_PATH]: {
        post: {
          operationId: 'receiveAlerts',
          summary: "Alertmanager's webhook receiver (scope alerts)",
          security: API_SECURITY,
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('AlertmanagerPayload') } },
          },
          responses: {
            '200': json('IntakeSummary', 'every alert accounted for'),
            ...errors(400, 401, 403, 413, 415, 503),
          },
        },
      },
      '/healthz': {
        get: {
          operationId: 'healthz',
          summary: 'Liveness',
          responses: { '200': { description: 'serving' } },
        },
      },
      '/readyz': {
        get: {
          operationId: 'readyz',
          summary: 'Readiness',
          responses: { '200': { description: 'ready' }, '503': { description: 'not ready' } },
        },
      },
      '/metrics': {
        get: {
          operationId: 'metrics',
          summary: 'Prometheus metrics',
          responses: { '200': { description: 'text format' } },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'openapi',
          summary: 'This document',
          responses: { '200': { description: 'OpenAPI 3.1' } },
        },
      },
    },
  };
}

export function openApiRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  let document: JsonObject | undefined;
  routes.get('/openapi.json', (c) => c.json((document ??= buildOpenApiDocument())));
  return routes;
}
