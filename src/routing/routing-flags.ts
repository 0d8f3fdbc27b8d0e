/**
 * The V1/V2 routing flags, from the ConfigMap `kubernaut-routing` (zod-validated). Its keys
 * are separate so that a rollback is one small patch (`data.mode: jobs`):
 *
 *   mode:            jobs | tekton | rules           (default jobs)
 *   defaultBackend:  jobs | tekton                   (rules mode, when no rule matches)
 *   rules:           YAML list, first match wins:
 *     - name: gitops-first
 *       backend: tekton
 *       match: { workflowTypes: [...], minSteps: 4, maxSteps: 10, hasDependencies: true,
 *                namespaces: [...], templates: [...], percentage: 10 }
 */
import { parse } from 'yaml';
import { z } from 'zod';

export const ROUTING_CONFIGMAP = 'kubernaut-routing';
export const BACKENDS = ['jobs', 'tekton'] as const;
export type BackendName = (typeof BACKENDS)[number];

const backendSchema = z.enum(BACKENDS);

export const routingMatchSchema = z
  .object({
    workflowTypes: z.array(z.string().min(1)).min(1).optional(),
    minSteps: z.int().min(1).optional(),
    maxSteps: z.int().min(1).optional(),
    hasDependencies: z.boolean().optional(),
    namespaces: z.array(z.string().min(1)).min(1).optional(),
    templates: z.array(z.string().min(1)).min(1).optional(),
    percentage: z
      .number()
      .min(0)
      .max(100)
      .optional()
      .describe('Share of runs, by a stable hash of the run uid.'),
  })
  .strict();
export type RoutingMatch = z.infer<typeof routingMatchSchema>;

export const routingRuleSchema = z
  .object({
    name: z.string().min(1),
    backend: backendSchema,
    match: routingMatchSchema.default({}),
  })
  .strict();
export type RoutingRule = z.infer<typeof routingRuleSchema>;

export const routingFlagsSchema = z.object({
  mode: z.enum(['jobs', 'tekton', 'rules']).default('jobs'),
  defaultBackend: backendSchema.default('jobs'),
  rules: z
    .array(routingRuleSchema)
    .default([])
    .refine(
      (rules) => new Set(rules.map((rule) => rule.name)).size === rules.length,
      'rule names must be unique',
    ),
});
export type RoutingFlags = z.infer<typeof routingFlagsSchema>;

/** What applies when there is no ConfigMap: every run on the Jobs backend (V1). */
export const DEFAULT_FLAGS: RoutingFlags = { mode: 'jobs', defaultBackend: 'jobs', rules: [] };

export type ParsedFlags = { ok: true; flags: RoutingFlags } | { ok: false; problems: string[] };

/** The flags of a ConfigMap's data; every problem names its field (data.rules[1].backend…). */
export function parseRoutingFlags(data: Readonly<Record<string, string>> | undefined): ParsedFlags {
  const raw: Record<string, unknown> = { ...data };
  if (typeof data?.rules === 'string') {
    try {
      raw.rules = parse(data.rules) ?? [];
    } catch (error) {
      return { ok: false, problems: [`data.rules: not YAML: ${(error as Error).message}`] };
    }
  }
  const parsed = routingFlagsSchema.safeParse(raw);
  if (parsed.success) return { ok: true, flags: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map(
      (issue) =>
        `${['data', ...issue.path.map(String)].join('.').replace(/\.(\d+)/g, '[$1]')}: ${issue.message}`,
    ),
  };
}
