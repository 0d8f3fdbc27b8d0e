/** Building blocks shared by every Kubernaut resource schema. */
import { z } from 'zod';
import { DURATION_PATTERN } from './duration.ts';

/** RFC 1123 label: what Kubernetes requires of names that become labels or DNS names. */
export const DNS1123_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
export const DNS1123_LABEL_MAX = 63;
/** RFC 1123 subdomain: what Kubernetes requires of most object names. */
export const DNS1123_SUBDOMAIN_PATTERN =
  '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';

export const durationSchema = z
  .string()
  .regex(new RegExp(DURATION_PATTERN), 'must be a duration such as "30s", "5m" or "1h30m"')
  .describe('A duration in Go syntax, e.g. "30s", "5m", "1h30m".');

export const timestampSchema = z.iso.datetime({ offset: true }).describe('An RFC 3339 timestamp.');

/** Free-form JSON object: step inputs and outputs travel as JSON, never as shell text. */
export const jsonObjectSchema = z.record(z.string(), z.unknown());
export type JsonObject = z.infer<typeof jsonObjectSchema>;

export const stringMapSchema = z.record(z.string(), z.string());

/** The condition shape of metav1.Condition, so kubectl wait and dashboards understand it. */
export const conditionSchema = z.object({
  type: z.string().min(1),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string().min(1),
  message: z.string().default(''),
  lastTransitionTime: timestampSchema,
  observedGeneration: z.int().min(0).optional(),
});
export type Condition = z.infer<typeof conditionSchema>;

/** The subset of ObjectMeta that the dispatcher reads; the API server owns the rest. */
export const objectMetaSchema = z.looseObject({
  name: z.string().optional(),
  generateName: z.string().optional(),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.int().optional(),
  creationTimestamp: z.string().optional(),
  deletionTimestamp: z.string().optional(),
  labels: stringMapSchema.optional(),
  annotations: stringMapSchema.optional(),
});
export type ObjectMeta = z.infer<typeof objectMetaSchema>;

/** A reference to a namespaced object by name, and optionally pinned by uid. */
export const objectRefSchema = z.object({
  name: z.string().min(1),
  namespace: z.string().optional(),
  uid: z.string().optional(),
});
