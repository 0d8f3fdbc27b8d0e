/**
 * The one place that reads the environment and wires everything. `npm start` runs this: on
 * a configured cluster (KUBECONFIG or in-cluster), or else on the embedded local cluster.
 */
import { serve } from '@hono/node-server';
import type { KubeConfig } from '@kubernetes/client-node';
import { createApp } from '../handlers/app.ts';
import { ConfigError, isLocalMode, loadConfig, type Config } from './config.ts';
import { loadClusterKubeConfig } from './kube/load-kubeconfig.ts';
import { poolConnections } from './kube/pool-connections.ts';
import { SharedInformers } from './kube/shared-informers.ts';
import { Engine } from './engine/engine.ts';
import { buildStepStartCheck, supplyChainConfigOf } from './supplychain/build-step-start-check.ts';
import { startAlertIntake } from './intake/start-alert-intake.ts';
import { startMembership } from './engine/membership/start-membership.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import { createMetrics } from './observability/metrics.ts';
import { loadSlackConfig } from './chatops/load-slack-config.ts';
import { RunStore } from './ondemand/run-store.ts';
import { WorkflowService } from './ondemand/workflow-service.ts';
import { localAdminCredential } from './auth/local-admin.ts';
import { loadReloadingCredentials } from './auth/reload-credentials.ts';
import { startUi } from './ui/start-ui.ts';

interface Cluster {
  kc: KubeConfig;
  close(): Promise<void>;
  /** What to tell the user once everything runs. */
  hints: string[];
  /** Local mode's token, accepted with every scope as `local-admin`. */
  localToken?: string;
  /** Local mode's image policy (its signing key on its registry's action images). */
  imagePolicy?: string;
}

async function connectCluster(config: Config, logger: Logger): Promise<Cluster> {
  if (!isLocalMode(config)) {
    const kc = loadClusterKubeConfig();
    logger.info({ cluster: kc.getCurrentCluster()?.server }, 'using the configured cluster');
    return { kc, close: () => Promise.resolve(), hints: [] };
  }
  // Imported only in local mode: the production image does not ship wrangler-free-local.
  const { startLocalMode } = await import('../wrangler-free-local/start-local-mode.ts');
  const local = await startLocalMode({
    dir: config.KUBERNAUT_LOCAL_DIR,
    apiPort: config.KUBE_API_PORT,
    registryPort: config.KUBERNAUT_LOCAL_REGISTRY_PORT,
    ...(config.KUBERNAUT_LOCAL_TOKEN ? { token: config.KUBERNAUT_LOCAL_TOKEN } : {}),
    onError: (error) => {
      logger.debug({ err: error }, 'local cluster');
    },
  });
  logger.info({ apiServer: local.apiUrl }, 'embedded local cluster running (wrangler-free-local)');
  return {
    kc: local.kc,
    close: () => local.close(),
    localToken: local.token,
    imagePolicy: local.imagePolicyPath,
    hints: [
      `kubectl --kubeconfig ${local.kubeconfigPath} get nodes`,
      `kubectl --kubeconfig ${local.kubeconfigPath} get wfe -w`,
      `kubectl --kubeconfig ${local.kubeconfigPath} create deployment payment-service --image=nginx`,
      `kubectl --kubeconfig ${local.kubeconfigPath} apply -f manifests/examples/single-action.yaml`,
      `npx kubernaut verify-image ${local.actionImages[0]?.image ?? '<image>'} --key ${local.publicKeyPath}`,
      `curl -H "Authorization: Bearer $(cat ${local.tokenPath})" http://127.0.0.1:${String(config.PORT)}/readyz`,
      `web UI: http://127.0.0.1:${String(config.PORT)}/ui  (log in with the token in ${local.tokenPath})`,
      `curl -H "Authorization: Bearer $(cat ${local.tokenPath})" http://127.0.0.1:${String(config.PORT)}/api/v1/workflows`,
      `kubectl --kubeconfig ${local.kubeconfigPath} get remediationtemplates   # the defaults, installed`,
      // The sample alert, about a real pod of the Deployment above: KubePodCrashLooping's
      // default template restarts its rollout and waits for it.
      `POD=$(kubectl --kubeconfig ${local.kubeconfigPath} get pods -l app=payment-service -o jsonpath='{.items[0].metadata.name}'); sed "s/payment-7d4b9c-x2x9z/$POD/g; s/2026-01-15T09:30:00.000Z/$(date -u +%Y-%m-%dT%H:%M:%S.000Z)/" manifests/examples/alert-crashloop.json | curl -H "Authorization: Bearer $(cat ${local.tokenPath})" -H 'Content-Type: application/json' --data @- http://127.0.0.1:${String(config.PORT)}/api/v1/webhooks/alertmanager`,
    ],
  };
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.LOG_LEVEL);
  const cluster = await connectCluster(config, logger);
  const metrics = createMetrics();
  const credentials = await loadReloadingCredentials(
    {
      file: config.KUBERNAUT_CREDENTIALS_FILE,
      extra: cluster.localToken ? [localAdminCredential(cluster.localToken)] : [],
    },
    { intervalMs: config.KUBERNAUT_CREDENTIALS_RELOAD_MS, logger },
  );
  if (credentials.store.size === 0) {
    logger.warn('no credentials configured (KUBERNAUT_CREDENTIALS_FILE): the API answers 401');
  }
  const membership = await startMembership(
    cluster.kc,
    {
      mode: config.KUBERNAUT_MEMBERSHIP,
      identity: config.POD_NAME,
      namespace: config.POD_NAMESPACE,
      leaseDurationSeconds: config.KUBERNAUT_LEASE_DURATION_SECONDS,
      renewSeconds: config.KUBERNAUT_LEASE_RENEW_SECONDS,
    },
    logger,
  );
  const supplyChain = await buildStepStartCheck(
    // Local mode enforces its own policy unless one is configured.
    {
      ...supplyChainConfigOf(config),
      policyFile: config.KUBERNAUT_IMAGE_POLICY ?? cluster.imagePolicy,
    },
    logger,
  );
  // One list and watch per resource for the whole replica: the engine, the alert intake and
  // the UI all read runs, and each change is sent, decoded and cached once, not three times.
  const informers = new SharedInformers(poolConnections(cluster.kc), (error) => {
    logger.warn({ err: error }, 'informer error; restarting it');
  });
  const engine = new Engine({
    informers,
    kc: cluster.kc,
    logger,
    metrics,
    assignment: membership.assignment,
    concurrency: config.KUBERNAUT_CONCURRENCY,
    workspace: {
      size: config.KUBERNAUT_WORKSPACE_SIZE,
      storageClassName: config.KUBERNAUT_WORKSPACE_STORAGE_CLASS,
    },
    jobTtlSeconds: config.KUBERNAUT_JOB_TTL_SECONDS,
    actionServiceAccountName: config.KUBERNAUT_ACTION_SERVICE_ACCOUNT,
    // The routing flags (ConfigMap kubernaut-routing) live beside the dispatcher.
    routingNamespace: config.POD_NAMESPACE ?? 'default',
    check: supplyChain.check,
  });
  await engine.start();
  const alertIntake = startAlertIntake({
    informers,
    kc: cluster.kc,
    logger,
    metrics,
    paused: () => config.KUBERNAUT_ALERTS_PAUSED,
  });
  if (config.KUBERNAUT_ALERTS_PAUSED)
    logger.warn('alert intake paused: firing alerts start nothing');
  const workflowService = new WorkflowService({
    store: new RunStore(cluster.kc),
    onRunCreated: (caller) => {
      metrics.apiRunsCreated.inc({ caller: caller.name, via: caller.via });
    },
  });
  const slack = config.KUBERNAUT_SLACK_SIGNING_SECRET_FILE
    ? await loadSlackConfig({
        signingSecretFile: config.KUBERNAUT_SLACK_SIGNING_SECRET_FILE,
        usersFile: config.KUBERNAUT_SLACK_USERS_FILE,
      })
    : undefined;
  const ui = await startUi({
    informers,
    kc: cluster.kc,
    logger,
    metrics,
    sessionSecretFile: config.KUBERNAUT_UI_SESSION_SECRET_FILE,
    maxStreams: config.KUBERNAUT_UI_MAX_STREAMS,
  });
  let shuttingDown = false;
  const app = createApp({
    readiness: [
      { name: 'shutdown', check: () => (shuttingDown ? 'shutting down' : undefined) },
      { name: 'informers', check: () => (engine.isReady() ? undefined : 'caches not synced') },
      {
        name: 'alert-intake',
        check: () => (alertIntake.isReady() ? undefined : 'template and run caches not synced'),
      },
    ],
    metrics: metrics.registry,
    httpMetrics: metrics,
    logger,
    credentials: credentials.store,
    alertmanager: {
      intake: {
        process: (payload) => alertIntake.intake.process(payload),
        isReady: () => alertIntake.isReady(),
      },
      maxBodyBytes: config.KUBERNAUT_ALERTS_MAX_BODY_BYTES,
      deadlineMs: config.KUBERNAUT_ALERTS_DEADLINE_MS,
      maxInFlight: config.KUBERNAUT_ALERTS_MAX_IN_FLIGHT,
      ...(config.KUBERNAUT_ALERTS_RATE_LIMIT > 0
        ? {
            rateLimit: {
              perSecond: config.KUBERNAUT_ALERTS_RATE_LIMIT,
              burst: config.KUBERNAUT_ALERTS_RATE_BURST,
            },
          }
        : {}),
    },
    workflows: {
      service: workflowService,
      rateLimit: {
        perSecond: config.KUBERNAUT_API_RATE_LIMIT,
        burst: config.KUBERNAUT_API_RATE_BURST,
      },
      maxBodyBytes: config.KUBERNAUT_API_MAX_BODY_BYTES,
    },
    ...(slack ? { slack: { ...slack, service: workflowService } } : {}),
    ui: { ...ui, service: workflowService },
  });
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
    logger.info(
      { port: info.port },
      `dispatcher listening on http://${config.HOST}:${String(info.port)}`,
    );
    if (cluster.hints.length > 0) {
      process.stdout.write(
        `\nKubernaut Dispatcher is running. Try:\n${cluster.hints.map((hint) => `  ${hint}`).join('\n')}\n\n`,
      );
    }
  });

  const shutdown = (signal: string): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    credentials.stop();
    ui.endStreams();
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), config.SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    server.close(() => {
      // Reconciles in flight finish first; then the Lease goes, so the others take over
      // this replica's runs at once rather than after a lease duration.
      // The informers stop first: nothing new reaches a component that is stopping.
      void informers
        .stop()
        .then(() => alertIntake.stop())
        .then(() => ui.stop())
        .then(() => engine.stop())
        .then(() => supplyChain.close())
        .then(() => membership.release())
        .then(() => cluster.close())
        .then(() => {
          logger.info('stopped');
          process.exit(0);
        });
    });
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`${describeStartupError(error)}\n`);
  process.exit(1);
});

/** A configuration error is the user's: its message says it all. Anything else gets its
 * stack and cause, so "fetch failed" says which call failed and why. */
function describeStartupError(error: unknown): string {
  if (error instanceof ConfigError) return error.message;
  if (!(error instanceof Error)) return String(error);
  const cause =
    error.cause === undefined ? '' : `\ncaused by: ${describeStartupError(error.cause)}`;
  return `${error.stack ?? error.message}${cause}`;
}
