/**
 * The on-demand API's request and response shapes, as zod schemas: the handlers parse with
 * them, and /openapi.json is generated from them, so the document cannot drift from the code.
 */
import { z } from 'zod';
import { DNS1123_LABEL_PATTERN } from '../src/api/primitives.ts';
import {
  RUN_PHASES,
  TARGET_PATTERN,
  workflowExecutionSchema,
  workflowExecutionSpecSchema,
} from '../src/api/workflow-execution.ts';

const namespaceSchema = z
  .string()
  .regex(new RegExp(DNS1123_LABEL_PATTERN), 'must be a DNS-1123 label')
  .max(63);
const targetSchema = z
  .string()
  .regex(new RegExp(TARGET_PATTERN), 'must be namespace/Kind/name or Kind/name');

export const adHocWorkflowSchema = workflowExecutionSpecSchema
  .pick({ workflowType: true, steps: true, timeout: true, target: true })
  .strict();

export const createWorkflowRequestSchema = z
  .strictObject({
    namespace: namespaceSchema
      .default('default')
      .describe('Where the template is and the run goes.'),
    template: z.string().min(1).optional().describe('RemediationTemplate name (scope run).'),
    parameters: z
      .record(z.string(), z.string().max(4096))
      .default({})
      .describe("Values for the template's declared parameters."),
    workflow: adHocWorkflowSchema.optional().describe('An ad-hoc workflow (scope admin).'),
    target: targetSchema.optional().describe("Overrides the template's target."),
    requireApproval: z.boolean().optional().describe('Hold the run until someone else approves.'),
    dryRun: z.boolean().optional().describe('Record and verify, but start no action.'),
  })
  .superRefine((request, context) => {
    if ((request.template === undefined) === (request.workflow === undefined)) {
      context.addIssue({
        code: 'custom',
        path: [request.template === undefined ? 'template' : 'workflow'],
        message: 'give exactly one of "template" and "workflow"',
      });
    }
  });
export type CreateWorkflowRequest = z.infer<typeof createWorkflowRequestSchema>;

export const MAX_PAGE = 500;

export const listWorkflowsQuerySchema = z.strictObject({
  namespace: namespaceSchema.optional().describe('Only this namespace; all when absent.'),
  template: z.string().min(1).optional(),
  target: targetSchema.optional(),
  phase: z.enum(RUN_PHASES).optional(),
  labelSelector: z.string().min(1).optional().describe('A Kubernetes label selector.'),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50),
  continue: z.string().min(1).optional().describe('The token of the previous page.'),
});

export const decisionRequestSchema = z.strictObject({ reason: z.string().max(1024).optional() });

export const idempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, 'must be 1-255 visible ASCII characters');

export const workflowRunSchema = workflowExecutionSchema;

export const runEventSchema = z.object({
  type: z.string().optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
  count: z.int().optional(),
  firstTimestamp: z.string().optional(),
  lastTimestamp: z.string().optional(),
});

export const workflowDetailSchema = z.object({
  run: workflowRunSchema,
  events: z.array(runEventSchema),
});

export const workflowListSchema = z.object({
  items: z.array(workflowRunSchema),
  continue: z.string().optional().describe('Pass as ?continue= for the next page.'),
});

export const errorBodySchema = z.object({
  error: z.string().describe('A stable code: InvalidRequest, Unauthorized, Forbidden, ...'),
  message: z.string(),
  details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  requestId: z.string().optional(),
});
