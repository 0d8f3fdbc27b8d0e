/** WorkflowExecution: one remediation run, its only memory being its own status. */
import { z } from 'zod';
import { API_VERSION } from './group.ts';
import {
  conditionSchema,
  durationSchema,
  jsonObjectSchema,
  objectMetaSchema,
  objectRefSchema,
  stringMapSchema,
  timestampSchema,
} from './primitives.ts';
import { workflowStepSchema } from './workflow-step.ts';

export const RUN_PHASES = [
  'Pending',
  'Running',
  'AwaitingApproval',
  'Succeeded',
  'Failed',
  'Cancelled',
] as const;
export type RunPhase = (typeof RUN_PHASES)[number];
export const TERMINAL_RUN_PHASES: ReadonlySet<RunPhase> = new Set([
  'Succeeded',
  'Failed',
  'Cancelled',
]);

/**
 * Step phases. `Retrying` is a failed attempt waiting out its backoff; `Skipped` is a step
 * that never started because the run failed or was cancelled first.
 */
export const STEP_PHASES = [
  'Pending',
  'Running',
  'Retrying',
  'Succeeded',
  'Failed',
  'Cancelled',
  'Skipped',
] as const;
export type StepPhase = (typeof STEP_PHASES)[number];

export const alertSourceSchema = z.object({
  fingerprint: z.string().min(1),
  labels: stringMapSchema.default({}),
  annotations: stringMapSchema.default({}),
  startsAt: timestampSchema,
  receiver: z.string().optional(),
  generatorURL: z.string().optional(),
});

export const callerSchema = z.object({
  name: z.string().min(1).describe('The token name or chat user that asked for the run.'),
  via: z.enum(['api', 'slack', 'cli']).default('api'),
});

export const runSourceSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('alert'), alert: alertSourceSchema }),
  z.object({ type: z.literal('onDemand'), caller: callerSchema }),
]);
export type RunSource = z.infer<typeof runSourceSchema>;

/** `namespace/Kind/name`, or `Kind/name` for a cluster-scoped resource. */
export const TARGET_PATTERN = '^([a-z0-9]([-a-z0-9]*[a-z0-9])?/)?[A-Za-z][A-Za-z0-9]*/[^/]+$';

export const approvalSchema = z.object({
  required: z.boolean().default(false),
  decision: z.enum(['Approved', 'Rejected']).optional(),
  decidedBy: z.string().optional(),
  decidedAt: timestampSchema.optional(),
  reason: z.string().optional(),
});

export const workflowExecutionSpecSchema = z.object({
  workflowType: z
    .string()
    .min(1)
    .describe('What the workflow does, e.g. oom-remediation; the key of backend routing flags.'),
  steps: z.array(workflowStepSchema),
  timeout: durationSchema.optional().describe('Deadline for the whole run from its start.'),
  source: runSourceSchema.optional(),
  templateRef: objectRefSchema.optional(),
  target: z
    .string()
    .regex(new RegExp(TARGET_PATTERN), 'must be namespace/Kind/name or Kind/name')
    .optional()
    .describe('The resource being remediated: namespace/Kind/name.'),
  cancel: z.boolean().default(false).describe('Set to true to stop the run.'),
  dryRun: z.boolean().default(false).describe('Record and verify, but start no action.'),
  approval: approvalSchema.optional(),
});
export type WorkflowExecutionSpec = z.infer<typeof workflowExecutionSpecSchema>;

export const childRefSchema = z.object({
  kind: z.string().min(1),
  name: z.string().min(1),
});

export const stepStatusSchema = z.object({
  name: z.string(),
  phase: z.enum(STEP_PHASES),
  attempt: z.int().min(0).default(0).describe('The current or last attempt, from 1.'),
  startedAt: timestampSchema.optional(),
  completedAt: timestampSchema.optional(),
  nextAttemptAt: timestampSchema.optional().describe('When a Retrying step starts again.'),
  childRef: childRefSchema.optional(),
  outputs: jsonObjectSchema.optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
});
export type StepStatus = z.infer<typeof stepStatusSchema>;

export const workflowExecutionStatusSchema = z.object({
  phase: z.enum(RUN_PHASES).optional(),
  progress: z.string().optional().describe('Succeeded steps over all steps, e.g. 2/4.'),
  backend: z
    .object({ name: z.enum(['jobs', 'tekton']), reason: z.string().default('') })
    .optional(),
  steps: z.array(stepStatusSchema).default([]),
  conditions: z.array(conditionSchema).default([]),
  observedGeneration: z.int().min(0).optional(),
  startedAt: timestampSchema.optional(),
  completedAt: timestampSchema.optional(),
  workspace: z.object({ claimName: z.string() }).optional(),
  occurrences: z.int().min(0).optional().describe('Alert notifications folded into this run.'),
  lastSeenAt: timestampSchema.optional(),
});
export type WorkflowExecutionStatus = z.infer<typeof workflowExecutionStatusSchema>;

export const workflowExecutionSchema = z.object({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal('WorkflowExecution'),
  metadata: objectMetaSchema,
  spec: workflowExecutionSpecSchema,
  status: workflowExecutionStatusSchema.optional(),
});
export type WorkflowExecution = z.infer<typeof workflowExecutionSchema>;
export type WorkflowExecutionInput = z.input<typeof workflowExecutionSchema>;
