/**
 * The alert intake of one replica: a real dispatcher process (`node src/main.ts`, engine and
 * all, with the shipped Deployment's NODE_OPTIONS and concurrency) against the embedded cluster
 * (its own process), over HTTP on loopback, so the figures hold only the dispatcher's own work:
 * (a) hot duplicates — one alert's notification repeated, as version-4 bodies with their
 *     fingerprint, from `wrk` in its own process; the dispatcher's CPU per request from /proc;
 * (b) new alerts turned into runs (50 alerts per notification, each a new target);
 * (c) alert received → the first Job of its run created.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchV1Api, CustomObjectsApi, type KubeConfig, type V1Job } from '@kubernetes/client-node';
import { Pool } from 'undici';
import { fingerprintOf } from '../../src/alerts/fingerprint.ts';
import type { IntakeSummary } from '../../src/alerts/intake-outcome.ts';
import { startInformer } from '../../src/kube/informer.ts';
import { webhookBody, type AlertInput } from '../fixtures/alert-templates.ts';
import { startClusterProcess } from '../fixtures/cluster-process.ts';
import { startDispatcherProcess, type DispatcherProcess } from '../fixtures/dispatcher-process.ts';
import { freePort } from '../fixtures/free-port.ts';
import { waitForRuns } from '../fixtures/wait-for-runs.ts';
import { percentiles, type BenchRow } from './harness.ts';
import { cpuSecondsOf } from './process-usage.ts';
import { shippedEnv } from './shipped-env.ts';
import { runWrk, wrkMissing } from './wrk.ts';
import { writeAlertmanagerCredentials } from '../fixtures/alertmanager-credentials.ts';

const DIGEST = `sha256:${'f'.repeat(64)}`;
const IMAGE = `registry.local/bench/exit@${DIGEST}`;
const TOKEN = 'bench-alerts-token-0123456789';
const PATH = '/api/v1/webhooks/alertmanager';
const HEADERS = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };
const HOT_CONNECTIONS = 8;
const HOT_SECONDS = 10;

const template = (name: string, alertname: string, guardrails: Record<string, unknown>) => ({
  apiVersion: 'kubernaut.ai/v1alpha1',
  kind: 'RemediationTemplate',
  metadata: { name, namespace: 'default' },
  spec: {
    match: [`alertname="${alertname}"`],
    workflowType: name,
    steps: [
      {
        name: 'fix',
        actionType: 'bench/exit',
        image: IMAGE,
        inputs: { d: '{{ labels.deployment }}' },
      },
    ],
    guardrails: { maxNewRunsPerMinute: 1_000_000, ...guardrails },
  },
});

/** An alert as Alertmanager's version-4 body carries it, fingerprint included. */
const alertOf = (alertname: string, deployment: string): AlertInput => {
  const labels = { alertname, namespace: 'default', deployment };
  return { labels, fingerprint: fingerprintOf(labels), startsAt: '2026-01-01T00:00:00.000Z' };
};

export async function benchIntake(): Promise<BenchRow[]> {
  const stateDir = await mkdtemp(join(tmpdir(), 'kubernaut-bench-intake-'));
  const cluster = await startClusterProcess(join(stateDir, 'cluster'), {
    catalog: { [DIGEST]: ['/bin/sh', '-c', 'echo "{}"'] },
  });
  let dispatcher: DispatcherProcess | undefined;
  let pool: Pool | undefined;
  try {
    const custom = cluster.kc.makeApiClient(CustomObjectsApi);
    for (const body of [
      template('bench-hot', 'BenchHot', {}),
      // (b) measures the intake: its runs are dry runs, which the engine finishes without Jobs.
      template('bench-new', 'BenchNew', { dryRun: true }),
      template('bench-latency', 'BenchLatency', {}),
    ]) {
      await custom.createNamespacedCustomObject({
        group: 'kubernaut.ai',
        version: 'v1alpha1',
        namespace: 'default',
        plural: 'remediationtemplates',
        body,
      });
    }
    const credentials = await writeAlertmanagerCredentials(stateDir, TOKEN);
    const shipped = await shippedEnv(['NODE_OPTIONS', 'KUBERNAUT_CONCURRENCY']);
    dispatcher = await startDispatcherProcess({
      identity: 'bench-intake',
      port: await freePort(),
      kubeconfig: cluster.kubeconfigPath,
      env: {
        KUBERNAUT_CREDENTIALS_FILE: credentials,
        KUBERNAUT_ALERTS_RATE_LIMIT: '0',
        ...shipped,
      },
    });
    const client = new Pool(dispatcher.url, { connections: 16 });
    pool = client;
    const post = async (body: string): Promise<IntakeSummary> => {
      const response = await client.request({ path: PATH, method: 'POST', headers: HEADERS, body });
      const summary = (await response.body.json()) as IntakeSummary;
      if (response.statusCode !== 200) throw new Error(`HTTP ${String(response.statusCode)}`);
      return summary;
    };
    const hot = await benchHotDuplicates(post, dispatcher, stateDir);
    const cpuBefore = await cpuSecondsOf(dispatcher.pid);
    const clusterCpuBefore = await cpuSecondsOf(cluster.pid);
    const { row: created, runs } = await benchNewAlerts(post);
    // The replica's engine finishes (b)'s dry runs before (c) measures it.
    const drained = performance.now();
    await waitForRuns(cluster.kc, runs, 300_000);
    const drainSeconds = (performance.now() - drained) / 1000;
    const cpuPerRunMs = (((await cpuSecondsOf(dispatcher.pid)) - cpuBefore) / runs.length) * 1000;
    const clusterCpuPerRunMs =
      (((await cpuSecondsOf(cluster.pid)) - clusterCpuBefore) / runs.length) * 1000;
    created.notes = `${created.notes ?? ''}; the engine finished them ${drainSeconds.toFixed(1)} s after the last answer; dispatcher CPU ${cpuPerRunMs.toFixed(2)} ms per run, intake and engine (the local cluster's process ${clusterCpuPerRunMs.toFixed(2)} ms)`;
    created.cpuPerRunMs = cpuPerRunMs;
    return [hot, created, await benchToFirstJob(post, cluster.kc)];
  } finally {
    await pool?.close();
    await dispatcher?.kill('SIGTERM');
    await cluster.close();
    await rm(stateDir, { recursive: true, force: true });
  }
}

type Post = (body: string) => Promise<IntakeSummary>;

async function benchHotDuplicates(
  post: Post,
  dispatcher: DispatcherProcess,
  dir: string,
): Promise<BenchRow> {
  const name = '(a) hot duplicate notifications';
  const missing = wrkMissing();
  if (missing) return { suite: 'intake', name, notes: missing };
  const body = JSON.stringify(webhookBody([alertOf('BenchHot', 'hot')]));
  const first = await post(body);
  if (first.counts.created !== 1)
    throw new Error(`expected a created run: ${JSON.stringify(first)}`);
  const repeat = await post(body);
  if (repeat.counts.duplicate !== 1) throw new Error(`not a duplicate: ${JSON.stringify(repeat)}`);
  const load = {
    url: `${dispatcher.url}${PATH}`,
    method: 'POST' as const,
    headers: HEADERS,
    body,
    connections: HOT_CONNECTIONS,
    dir,
  };
  await runWrk({ ...load, seconds: 2 }); // warm-up: the JIT, the caches
  const duplicatesBefore = await duplicatesCounted(dispatcher.url);
  const cpuBefore = await cpuSecondsOf(dispatcher.pid);
  const result = await runWrk({ ...load, seconds: HOT_SECONDS });
  const cpuSeconds = (await cpuSecondsOf(dispatcher.pid)) - cpuBefore;
  const duplicates = (await duplicatesCounted(dispatcher.url)) - duplicatesBefore;
  if (result.non2xx > 0 || result.socketErrors > 0 || duplicates < result.requests) {
    throw new Error(
      `hot duplicates not all answered as duplicates: ${JSON.stringify({ ...result, duplicates })}`,
    );
  }
  const cpuPerRequestUs = (cpuSeconds / result.requests) * 1e6;
  return {
    suite: 'intake',
    name,
    opsPerSec: result.requestsPerSec,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    notes: `${String(result.requests)} requests from wrk, ${String(HOT_CONNECTIONS)} keep-alive connections, ${String(HOT_SECONDS)} s; dispatcher CPU ${cpuPerRequestUs.toFixed(0)} µs/request; target >= 10,000/s, p99 <= 10 ms`,
    cpuPerRequestUs,
  };
}

/** The dispatcher's own count of duplicates, from its /metrics. */
async function duplicatesCounted(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let total = 0;
  for (const match of text.matchAll(/^kubernaut_alert_duplicates_total\{[^}]*\} (\d+)$/gm))
    total += Number(match[1]);
  return total;
}

/** Runs `send` with `concurrency` in flight until `count` are done or `maxMs` passed. */
async function load(
  count: number,
  concurrency: number,
  maxMs: number,
  send: (index: number) => Promise<void>,
): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const deadline = started + maxMs;
  const worker = async (): Promise<void> => {
    while (next < count && performance.now() < deadline) {
      const index = next++;
      const before = performance.now();
      await send(index);
      latencies.push(performance.now() - before);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

async function benchNewAlerts(post: Post): Promise<{ row: BenchRow; runs: string[] }> {
  const perNotification = 50;
  const notifications = 80;
  let created = 0;
  const runs: string[] = [];
  const { latencies, seconds } = await load(notifications, 4, 60_000, async (index) => {
    const alerts = Array.from({ length: perNotification }, (_, item) =>
      alertOf('BenchNew', `new-${String(index)}-${String(item)}`),
    );
    const summary = await post(JSON.stringify(webhookBody(alerts)));
    created += summary.counts.created ?? 0;
    for (const alert of summary.alerts) if (alert.run) runs.push(alert.run);
  });
  const row: BenchRow = {
    suite: 'intake',
    name: '(b) new alerts → runs created',
    opsPerSec: created / seconds,
    ...percentiles(latencies),
    notes: `${String(created)} runs from ${String(latencies.length)} notifications of ${String(perNotification)} alerts (latency per notification), the replica's engine running them; target >= 1,000/s`,
  };
  return { row, runs };
}

async function benchToFirstJob(post: Post, kc: KubeConfig): Promise<BenchRow> {
  const batch = kc.makeApiClient(BatchV1Api);
  const added = new Map<string, number>();
  const waiting = new Map<string, (at: number) => void>();
  const jobs = startInformer<V1Job>({
    kc,
    path: '/apis/batch/v1/jobs',
    list: () => batch.listJobForAllNamespaces(),
    onEvent: (event, job) => {
      const run = job.metadata?.annotations?.['kubernaut.ai/workflow-execution'];
      if (event !== 'add' || !run || added.has(run)) return;
      // The Job may come before the webhook's answer: remember when it came.
      added.set(run, performance.now());
      waiting.get(run)?.(performance.now());
    },
  });
  await jobs.synced;
  const samples: number[] = [];
  try {
    for (let index = 0; index < 60; index++) {
      const body = JSON.stringify(
        webhookBody([alertOf('BenchLatency', `latency-${String(index)}`)]),
      );
      const sent = performance.now();
      const summary = await post(body);
      const run = summary.alerts[0]?.run ?? '';
      const jobAt =
        added.get(run) ?? (await new Promise<number>((resolve) => waiting.set(run, resolve)));
      samples.push(jobAt - sent);
      waiting.delete(run);
    }
  } finally {
    await jobs.stop();
  }
  return {
    suite: 'intake',
    name: '(c) alert received → first Job created',
    ...percentiles(samples),
    notes: '60 alerts one after another; target p50 <= 50 ms, p99 <= 150 ms',
  };
}
