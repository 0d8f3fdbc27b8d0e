/** The dispatcher's configuration, read from the environment once, in main.ts. */
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65_535);

export const configSchema = z.object({
  PORT: port.default(8080).describe('Port of the dispatcher HTTP server.'),
  HOST: z.string().default('0.0.0.0'),
  KUBE_API_PORT: port.default(6443).describe('Port of the embedded API server (local mode).'),
  KUBECONFIG: z.string().optional().describe('Use this cluster; nothing embedded starts.'),
  KUBERNETES_SERVICE_HOST: z
    .string()
    .optional()
    .describe('Set in a pod: use the in-cluster config.'),
  KUBERNAUT_LOCAL_TOKEN: z.string().min(16).optional().describe('Token of the local mode.'),
  KUBERNAUT_LOCAL_DIR: z.string().default('.local').describe('Kubeconfig, token, state.'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(25_000),
  KUBERNAUT_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(1024)
    .default(32)
    .describe('Reconciles at once.'),
  KUBERNAUT_WORKSPACE_SIZE: z
    .string()
    .regex(/^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$/, 'must be a Kubernetes quantity such as 1Gi')
    .default('1Gi'),
  KUBERNAUT_WORKSPACE_STORAGE_CLASS: z.string().min(1).optional(),
  KUBERNAUT_JOB_TTL_SECONDS: z.coerce.number().int().min(0).default(3600),
  KUBERNAUT_ACTION_SERVICE_ACCOUNT: z
    .string()
    .min(1)
    .default('per-action')
    .describe(
      'per-action: each action its generated account (manifests/actions); else one shared.',
    ),
  KUBERNAUT_IMAGE_POLICY: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Image policy file (YAML, or a ConfigMap with policy.yaml); unset: digest pins only.',
    ),
  KUBERNAUT_TRUSTED_ROOT: z
    .string()
    .min(1)
    .optional()
    .describe('Sigstore trusted_root.json for keyless authorities the policy leaves without one.'),
  KUBERNAUT_DOCKER_CONFIG: z
    .string()
    .min(1)
    .optional()
    .describe('Registry credentials: a Docker config.json (the format of image pull secrets).'),
  KUBERNAUT_INSECURE_REGISTRIES: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .describe('Comma-separated host:port reached over plain HTTP (loopback always is).'),
  KUBERNAUT_VERIFICATION_CACHE_TTL_MS: z.coerce.number().int().min(0).default(300_000),
  KUBERNAUT_CREDENTIALS_FILE: z
    .string()
    .min(1)
    .optional()
    .describe('Tokens and basic-auth users (YAML/JSON) with their scopes; see docs/api.md.'),
  KUBERNAUT_CREDENTIALS_RELOAD_MS: z.coerce.number().int().min(1000).default(30_000),
  KUBERNAUT_SLACK_SIGNING_SECRET_FILE: z.string().min(1).optional(),
  KUBERNAUT_SLACK_USERS_FILE: z
    .string()
    .min(1)
    .optional()
    .describe('Slack user ids to scopes; unlisted users get run and read.'),
  KUBERNAUT_API_RATE_LIMIT: z.coerce
    .number()
    .positive()
    .default(20)
    .describe('On-demand API requests per second per token.'),
  KUBERNAUT_API_RATE_BURST: z.coerce.number().int().min(1).default(40),
  KUBERNAUT_API_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  KUBERNAUT_UI_SESSION_SECRET_FILE: z
    .string()
    .min(1)
    .optional()
    .describe('Web UI session key (32+ bytes), shared by replicas; unset: random per process.'),
  KUBERNAUT_UI_MAX_STREAMS: z.coerce
    .number()
    .int()
    .min(1)
    .default(200)
    .describe('Live (SSE) streams one replica serves to browsers at once.'),
  KUBERNAUT_MEMBERSHIP: z
    .enum(['leases', 'off'])
    .default('leases')
    .describe('leases: replicas share runs through Leases; off: this replica runs every run.'),
  POD_NAME: z.string().min(1).optional().describe('This replica (downward API); else hostname.'),
  POD_NAMESPACE: z
    .string()
    .min(1)
    .optional()
    .describe('Namespace of the membership Leases (downward API); else default.'),
  KUBERNAUT_LEASE_DURATION_SECONDS: z.coerce.number().int().min(2).default(15),
  KUBERNAUT_LEASE_RENEW_SECONDS: z.coerce.number().positive().default(5),
  KUBERNAUT_ALERTS_PAUSED: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((value) => value === 'true' || value === '1')
    .describe('Global pause: every firing alert is suppressed (reason Paused), nothing starts.'),
  KUBERNAUT_ALERTS_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024)
    .describe('Largest Alertmanager webhook body; larger answers 413.'),
  KUBERNAUT_ALERTS_RATE_LIMIT: z.coerce
    .number()
    .min(0)
    .default(50)
    .describe('Webhook requests per second per credential (503 over it); 0 turns it off.'),
  KUBERNAUT_ALERTS_RATE_BURST: z.coerce.number().int().min(1).default(100),
  KUBERNAUT_ALERTS_DEADLINE_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(5_000)
    .describe('The webhook answers within this time, or 503 so Alertmanager retries.'),
  KUBERNAUT_ALERTS_MAX_IN_FLIGHT: z.coerce.number().int().min(1).default(256),
  KUBERNAUT_LOCAL_REGISTRY_PORT: port
    .default(5001)
    .describe('Port of the local OCI registry with the action images (local mode).'),
  KUBERNAUT_REGISTRY_CA_FILE: z
    .string()
    .min(1)
    .optional()
    .describe('PEM file of CA certificates trusted for registries, besides the system ones.'),
  KUBERNAUT_IMAGE_PLATFORM: z
    .string()
    .regex(/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/, 'must be os/architecture[/variant]')
    .default('linux/amd64'),
  KUBERNAUT_MAX_LAYER_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(256 * 1024 * 1024)
    .describe('Compressed size limit of a layer read for the action contract.'),
});
export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment; every bad variable is named with the reason. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const parsed = configSchema.safeParse(env);
  if (parsed.success) {
    const config = parsed.data;
    // A replica renewing no faster than its Lease expires would drop out between renewals.
    if (config.KUBERNAUT_LEASE_RENEW_SECONDS * 2 > config.KUBERNAUT_LEASE_DURATION_SECONDS)
      throw new ConfigError(
        'invalid configuration:\n  KUBERNAUT_LEASE_RENEW_SECONDS: must be at most half of KUBERNAUT_LEASE_DURATION_SECONDS',
      );
    return config;
  }
  const lines = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
}

/** Local mode runs the embedded API server; a kubeconfig or in-cluster env turns it off. */
export function isLocalMode(config: Config): boolean {
  return config.KUBECONFIG === undefined && config.KUBERNETES_SERVICE_HOST === undefined;
}
