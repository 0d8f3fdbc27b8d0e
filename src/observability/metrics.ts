/** The dispatcher's Prometheus metrics, on one registry served at /metrics. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];
const RECONCILE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export function createMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const queueDepthSources = new Map<string, () => number>();
  return {
    /** A work queue reports its depth when Prometheus scrapes, not on every change. */
    registerQueueDepth(queue: string, depth: () => number): void {
      queueDepthSources.set(queue, depth);
    },
    registry,
    runsStarted: new Counter({
      name: 'kubernaut_runs_started_total',
      help: 'Runs that started, by backend.',
      labelNames: ['backend'],
      registers,
    }),
    runsFinished: new Counter({
      name: 'kubernaut_runs_finished_total',
      help: 'Runs that reached a final phase, by result and backend.',
      labelNames: ['result', 'backend'],
      registers,
    }),
    runDuration: new Histogram({
      name: 'kubernaut_run_duration_seconds',
      help: 'From a run start to its final phase.',
      labelNames: ['result', 'backend'],
      buckets: DURATION_BUCKETS,
      registers,
    }),
    stepDuration: new Histogram({
      name: 'kubernaut_step_duration_seconds',
      help: 'One step attempt, from its start to its end, by result and backend.',
      labelNames: ['result', 'backend'],
      buckets: DURATION_BUCKETS,
      registers,
    }),
    remediationDuration: new Histogram({
      name: 'kubernaut_remediation_duration_seconds',
      help: 'From the alert startsAt to the run that remediated it succeeding, by backend.',
      labelNames: ['backend'],
      buckets: DURATION_BUCKETS,
      registers,
    }),
    backendDecisions: new Counter({
      name: 'kubernaut_backend_decisions_total',
      help: 'Backends chosen for new runs; fallback="true" when Tekton was chosen but absent.',
      labelNames: ['backend', 'fallback'],
      registers,
    }),
    routingFlagErrors: new Counter({
      name: 'kubernaut_routing_flags_errors_total',
      help: 'Routing ConfigMap versions rejected as invalid (the last good flags stay).',
      registers,
    }),
    reconcileDuration: new Histogram({
      name: 'kubernaut_reconcile_duration_seconds',
      help: 'One reconcile of one object.',
      labelNames: ['controller'],
      buckets: RECONCILE_BUCKETS,
      registers,
    }),
    reconcileErrors: new Counter({
      name: 'kubernaut_reconcile_errors_total',
      help: 'Reconciles that failed and were retried.',
      labelNames: ['controller'],
      registers,
    }),
    queueDepth: new Gauge({
      name: 'kubernaut_workqueue_depth',
      help: 'Keys waiting in a work queue.',
      labelNames: ['queue'],
      registers,
    }),
    kubeRequests: new Counter({
      name: 'kubernaut_kube_api_requests_total',
      help: 'Kubernetes API requests, by verb, resource and HTTP code.',
      labelNames: ['verb', 'resource', 'code'],
      registers,
    }),
    httpRequestDuration: new Histogram({
      name: 'kubernaut_http_request_duration_seconds',
      help: 'HTTP requests served, by matched route, method and status code.',
      labelNames: ['route', 'method', 'code'],
      buckets: HTTP_BUCKETS,
      registers,
    }),
    alertsReceived: new Counter({
      name: 'kubernaut_alerts_received_total',
      help: 'Alerts from Alertmanager webhooks, by result: created, duplicate, unmatched, suppressed, rejected, ignored-resolved, failed.',
      labelNames: ['result'],
      registers,
    }),
    alertRunsCreated: new Counter({
      name: 'kubernaut_alert_runs_created_total',
      help: 'Runs created from alerts, by template (namespace/name).',
      labelNames: ['template'],
      registers,
    }),
    alertDuplicates: new Counter({
      name: 'kubernaut_alert_duplicates_total',
      help: 'Alerts folded into an existing run, by how it was found: cache, api (AlreadyExists), active (a run on the same target).',
      labelNames: ['via'],
      registers,
    }),
    alertSuppressions: new Counter({
      name: 'kubernaut_alert_suppressions_total',
      help: 'Alerts a guardrail kept from starting a run, by reason.',
      labelNames: ['reason'],
      registers,
    }),
    apiRunsCreated: new Counter({
      name: 'kubernaut_api_runs_created_total',
      help: 'Runs created through the on-demand API and chatops, by caller and channel.',
      labelNames: ['caller', 'via'],
      registers,
    }),
    imageVerifications: new Counter({
      name: 'kubernaut_image_verifications_total',
      help: 'Step-start checks of action images, by result.',
      labelNames: ['result'],
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
