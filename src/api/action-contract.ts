/**
 * ActionContract: the `/action-contract.yaml` inside every action image. Not a cluster
 * resource; it tells the dispatcher what inputs an action accepts and what it needs.
 */
import { z } from 'zod';
import { API_VERSION } from './group.ts';

export const CONTRACT_VALUE_TYPES = [
  'string',
  'integer',
  'number',
  'boolean',
  'object',
  'array',
] as const;

export const contractInputSchema = z.object({
  name: z.string().min(1),
  type: z.enum(CONTRACT_VALUE_TYPES),
  required: z.boolean().default(false),
  default: z.unknown().optional(),
  enum: z.array(z.unknown()).optional(),
  pattern: z.string().optional().describe('For strings: a regular expression to match fully.'),
  description: z.string().optional(),
});
export type ContractInput = z.infer<typeof contractInputSchema>;

export const contractOutputSchema = z.object({
  name: z.string().min(1),
  type: z.enum(CONTRACT_VALUE_TYPES),
  description: z.string().optional(),
});

const quantityMapSchema = z.record(z.string(), z.union([z.string(), z.number()]));

export const policyRuleSchema = z.object({
  apiGroups: z.array(z.string()),
  resources: z.array(z.string()),
  verbs: z.array(z.string()).min(1),
});

export const actionContractSchema = z.object({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal('ActionContract'),
  metadata: z.object({ name: z.string().min(1), version: z.string().min(1) }),
  spec: z.object({
    inputs: z.array(contractInputSchema).default([]),
    outputs: z.array(contractOutputSchema).default([]),
    resources: z
      .object({ requests: quantityMapSchema.optional(), limits: quantityMapSchema.optional() })
      .optional(),
    permissions: z
      .array(policyRuleSchema)
      .default([])
      .describe('The Kubernetes RBAC rules the action needs; none means no API token.'),
  }),
});
export type ActionContract = z.infer<typeof actionContractSchema>;
