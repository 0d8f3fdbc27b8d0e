/**
 * The alert intake on the embedded cluster (run in its own process, so only the dispatcher's
 * CPU is in the figures), over real HTTP with keep-alive connections on loopback:
 * (a) hot duplicates — one alert's notification repeated, answered from memory;
 * (b) new alerts turned into runs (50 alerts per notification, each a new target);
 * (c) alert received → the first Job of its run created, with the V1 engine running.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { BatchV1Api, CustomObjectsApi, type V1Job } from '@kubernetes/client-node';
import { Pool } from 'undici';
import { createApp } from '../../handlers/app.ts';
import type { IntakeSummary } from '../../src/alerts/intake-outcome.ts';
import { CredentialStore } from '../../src/auth/credential-store.ts';
import { Engine } from '../../src/engine/engine.ts';
import { startAlertIntake } from '../../src/intake/start-alert-intake.ts';
import { startInformer } from '../../src/kube/informer.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { webhookBody, type AlertInput } from '../fixtures/alert-templates.ts';
import { startClusterProcess } from '../fixtures/cluster-process.ts';
import { percentiles, type BenchRow } from './harness.ts';

const DIGEST = `sha256:${'f'.repeat(64)}`;
const IMAGE = `registry.local/bench/exit@${DIGEST}`;
const TOKEN = 'bench-alerts-token-0123456789';
const PATH = '/api/v1/webhooks/alertmanager';

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

const alertOf = (alertname: string, deployment: string): AlertInput => ({
  labels: { alertname, namespace: 'default', deployment },
  startsAt: '2026-01-01T00:00:00.000Z',
});

export async function benchIntake(): Promise<BenchRow[]> {
  const stateDir = await mkdtemp(join(tmpdir(), 'kubernaut-bench-intake-'));
  const cluster = await startClusterProcess(stateDir, {
    catalog: { [DIGEST]: ['/bin/sh', '-c', 'echo "{}"'] },
  });
  const custom = cluster.kc.makeApiClient(CustomObjectsApi);
  for (const body of [
    template('bench-hot', 'BenchHot', {}),
    // (b) measures the intake: its runs are dry runs, so the engine later skips their Jobs.
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
  const metrics = createMetrics({ defaultMetrics: false });
  const logger = createLogger('silent');
  const intake = startAlertIntake({ kc: cluster.kc, logger, metrics, paused: () => false });
  await intake.synced;
  const app = createApp({
    readiness: [],
    credentials: new CredentialStore([
      { kind: 'bearer', secret: TOKEN, name: 'bench', scopes: ['alerts'] },
    ]),
    alertmanager: {
      intake: {
        process: (payload) => intake.intake.process(payload),
        isReady: () => intake.isReady(),
      },
      maxBodyBytes: 1024 * 1024,
      deadlineMs: 10_000,
    },
  });
  const server = await new Promise<ServerType>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => {
      resolve(started);
    });
  });
  const { port } = server.address() as AddressInfo;
  const pool = new Pool(`http://127.0.0.1:${String(port)}`, { connections: 16 });
  const post = async (body: string): Promise<IntakeSummary> => {
    const response = await pool.request({
      path: PATH,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body,
    });
    const summary = (await response.body.json()) as IntakeSummary;
    if (response.statusCode !== 200) throw new Error(`HTTP ${String(response.statusCode)}`);
    return summary;
  };
  const rows: BenchRow[] = [];
  let engine: Engine | undefined;
  try {
    rows.push(await benchHotDuplicates(post));
    rows.push(await benchNewAlerts(post));
    engine = new Engine({
      kc: cluster.kc,
      logger,
      metrics: createMetrics({ defaultMetrics: false }),
    });
    await engine.start();
    await engine.idle(); // the dry runs of (b) finish first
    rows.push(await benchToFirstJob(post, cluster.kc));
  } finally {
    await pool.close();
    await new Promise((resolve) => server.close(resolve));
    await engine?.stop();
    await intake.stop();
    await cluster.close();
    await rm(stateDir, { recursive: true, force: true });
  }
  return rows;
}

type Post = (body: string) => Promise<IntakeSummary>;

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

async function benchHotDuplicates(post: Post): Promise<BenchRow> {
  const body = JSON.stringify(webhookBody([alertOf('BenchHot', 'hot')]));
  const first = await post(body);
  if (first.counts.created !== 1)
    throw new Error(`expected a created run: ${JSON.stringify(first)}`);
  await load(500, 16, 5_000, async () => {
    await post(body);
  }); // warm-up
  const { latencies, seconds } = await load(40_000, 32, 8_000, async () => {
    const summary = await post(body);
    if (summary.counts.duplicate !== 1)
      throw new Error(`not a duplicate: ${JSON.stringify(summary)}`);
  });
  return {
    suite: 'intake',
    name: '(a) hot duplicate notifications',
    opsPerSec: latencies.length / seconds,
    ...percentiles(latencies),
    notes: `${String(latencies.length)} requests, 32 in flight on 16 keep-alive connections; target >= 10,000/s, p99 <= 10 ms`,
  };
}

async function benchNewAlerts(post: Post): Promise<BenchRow> {
  const perNotification = 50;
  const notifications = 80;
  let created = 0;
  const { latencies, seconds } = await load(notifications, 4, 60_000, async (index) => {
    const alerts = Array.from({ length: perNotification }, (_, item) =>
      alertOf('BenchNew', `new-${String(index)}-${String(item)}`),
    );
    const summary = await post(JSON.stringify(webhookBody(alerts)));
    created += summary.counts.created ?? 0;
  });
  return {
    suite: 'intake',
    name: '(b) new alerts → runs created',
    opsPerSec: created / seconds,
    ...percentiles(latencies),
    notes: `${String(created)} runs from ${String(latencies.length)} notifications of ${String(perNotification)} alerts (latency per notification); target >= 1,000/s`,
  };
}

async function benchToFirstJob(
  post: Post,
  kc: Parameters<typeof startInformer>[0]['kc'],
): Promise<BenchRow> {
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
    notes: '60 alerts one after another, V1 engine running; target p50 <= 50 ms, p99 <= 150 ms',
  };
}
