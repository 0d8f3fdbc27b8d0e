/** ActionExecution: one attempt of one step on the Jobs (V1) backend. */
import { z } from 'zod';
import { API_VERSION } from './group.ts';
import {
  conditionSchema,
  durationSchema,
  jsonObjectSchema,
  objectMetaSchema,
  timestampSchema,
} from './primitives.ts';

export const ACTION_PHASES = ['Pending', 'Verifying', 'Running', 'Succeeded', 'Failed'] as const;
export type ActionPhase = (typeof ACTION_PHASES)[number];

export const actionExecutionSpecSchema = z.object({
  workflowRef: z.object({ name: z.string().min(1), uid: z.string().optional() }),
  step: z.string().min(1),
  attempt: z.int().min(1),
  actionType: z.string().min(1),
  image: z.string().min(1).describe('The step image as written, pinned by digest.'),
  inputs: jsonObjectSchema.default({}).describe('Inputs after output references resolved.'),
  workspace: z.object({ claimName: z.string().min(1) }).optional(),
  timeout: durationSchema.optional(),
  serviceAccountName: z.string().optional(),
});
export type ActionExecutionSpec = z.infer<typeof actionExecutionSpecSchema>;

export const verificationSchema = z.object({
  verified: z.boolean(),
  digest: z.string().optional().describe('The verified image digest.'),
  scheme: z.string().optional().describe('Signature storage: cosign-tag or sigstore-bundle.'),
  signer: z.string().optional().describe('Certificate identity or public key fingerprint.'),
  policyRule: z.string().optional(),
  contractDigest: z.string().optional(),
  message: z.string().optional(),
});

export const actionExecutionStatusSchema = z.object({
  phase: z.enum(ACTION_PHASES).optional(),
  verification: verificationSchema.optional(),
  jobName: z.string().optional(),
  outputs: jsonObjectSchema.optional(),
  exitCode: z.int().optional(),
  startedAt: timestampSchema.optional(),
  completedAt: timestampSchema.optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
  conditions: z.array(conditionSchema).default([]),
  observedGeneration: z.int().min(0).optional(),
});
export type ActionExecutionStatus = z.infer<typeof actionExecutionStatusSchema>;

export const actionExecutionSchema = z.object({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal('ActionExecution'),
  metadata: objectMetaSchema,
  spec: actionExecutionSpecSchema,
  status: actionExecutionStatusSchema.optional(),
});
export type ActionExecution = z.infer<typeof actionExecutionSchema>;
