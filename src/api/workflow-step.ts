/**
 * One step of a workflow: a signed action container run with JSON inputs. Shared by
 * WorkflowExecution (a run) and RemediationTemplate (the steps a matching alert instantiates).
 */
import { z } from 'zod';
import { durationSchema, jsonObjectSchema } from './primitives.ts';

export const retryBackoffSchema = z
  .object({
    duration: durationSchema.default('10s').describe('Delay before the first retry.'),
    factor: z.number().min(1).max(10).default(2).describe('Multiplier applied per retry.'),
    maxDuration: durationSchema.default('5m').describe('Upper bound of any single delay.'),
  })
  .describe('Exponential backoff between attempts, with jitter, as in Argo retryStrategy.');

export const retryPolicySchema = z.object({
  limit: z.int().min(0).max(10).default(0).describe('Retries after the first attempt.'),
  backoff: retryBackoffSchema.optional(),
});
export type RetryPolicy = z.infer<typeof retryPolicySchema>;

export const workflowStepSchema = z.object({
  name: z.string().min(1).describe('Unique within the workflow; a DNS-1123 label.'),
  actionType: z
    .string()
    .min(1)
    .describe('The action the image implements, e.g. kubernetes/scale_deployment.'),
  image: z
    .string()
    .min(1)
    .describe('The action container, pinned by digest: registry/repo@sha256:<64 hex>.'),
  inputs: jsonObjectSchema
    .default({})
    .describe('JSON inputs; strings may reference $(steps.<name>.outputs.<key>).'),
  runAfter: z.array(z.string()).default([]).describe('Steps that must succeed first.'),
  usesWorkspace: z.boolean().default(false).describe('Mount the run workspace at /workspace.'),
  timeout: durationSchema.optional().describe('Deadline for one attempt of this step.'),
  retries: retryPolicySchema.optional(),
});
export type WorkflowStep = z.infer<typeof workflowStepSchema>;
/** A step as written by a user, before defaults are filled in. */
export type WorkflowStepInput = z.input<typeof workflowStepSchema>;
