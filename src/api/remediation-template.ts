/** RemediationTemplate: which alerts start which workflow, under which guardrails. */
import { z } from 'zod';
import { API_VERSION } from './group.ts';
import {
  conditionSchema,
  durationSchema,
  objectMetaSchema,
  timestampSchema,
} from './primitives.ts';
import { workflowStepSchema } from './workflow-step.ts';

export const guardrailsSchema = z.object({
  cooldown: durationSchema
    .optional()
    .describe('Quiet time on a target after a run of this template ends.'),
  maxActivePerTarget: z.int().min(1).default(1).describe('Concurrent runs allowed per target.'),
  cancelOnResolve: z.boolean().default(false).describe('Cancel the run when its alert resolves.'),
  approval: z
    .object({ required: z.boolean().default(false) })
    .optional()
    .describe('Hold runs in AwaitingApproval until someone other than the requester approves.'),
  failureBlock: z
    .object({
      after: z.int().min(1).default(3).describe('Consecutive failed runs on one target.'),
      for: durationSchema.default('1h').describe('How long the target is then left alone.'),
    })
    .default({ after: 3, for: '1h' })
    .describe('Stop remediating a target whose runs keep failing, so a fix does not loop.'),
  maxNewRunsPerMinute: z
    .int()
    .min(1)
    .default(20)
    .describe('Storm limit: new runs of this template per minute; the rest are suppressed.'),
  dryRun: z
    .boolean()
    .default(false)
    .describe('Record and verify the runs this template starts, but start no action.'),
});
export type Guardrails = z.infer<typeof guardrailsSchema>;

export const templateParameterSchema = z.object({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an identifier'),
  description: z.string().optional(),
  required: z.boolean().default(false),
  default: z.string().optional(),
  pattern: z.string().optional().describe('A regular expression the whole value must match.'),
});

export const remediationTemplateSpecSchema = z.object({
  match: z
    .array(z.string().min(1))
    .default([])
    .describe('Alertmanager label matchers, e.g. alertname="KubePodCrashLooping"; all must hold.'),
  priority: z.int().default(0).describe('Higher is tried first.'),
  continue: z.boolean().default(false).describe('Keep matching lower-priority templates.'),
  workflowType: z.string().min(1),
  steps: z
    .array(workflowStepSchema)
    .describe('String inputs may hold {{ labels.x }}, {{ annotations.y }}, {{ params.z }}.'),
  target: z
    .string()
    .optional()
    .describe('namespace/Kind/name template; by default derived from the alert labels.'),
  timeout: durationSchema.optional(),
  parameters: z.array(templateParameterSchema).default([]).describe('For on-demand runs.'),
  guardrails: guardrailsSchema.optional(),
});
export type RemediationTemplateSpec = z.infer<typeof remediationTemplateSpecSchema>;

export const remediationTemplateStatusSchema = z.object({
  observedGeneration: z.int().min(0).optional(),
  lastRun: z.object({ name: z.string(), startedAt: timestampSchema }).optional(),
  conditions: z.array(conditionSchema).default([]),
});

export const remediationTemplateSchema = z.object({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal('RemediationTemplate'),
  metadata: objectMetaSchema,
  spec: remediationTemplateSpecSchema,
  status: remediationTemplateStatusSchema.optional(),
});
export type RemediationTemplate = z.infer<typeof remediationTemplateSchema>;
