/**
 * The V1 engine on the embedded cluster, with actions that exit at once (issue 4):
 * (a) run created → first Job created; (b) a step's Job complete → the dependent Job created;
 * (c) API requests per single-step and four-step run, by verb; (d) 1,000 single-step runs
 * submitted at once: time until all finished, and the dispatcher's peak RSS. The local
 * cluster runs in a child process, so its CPU and memory are not counted as the engine's;
 * for (d) the dispatcher is a real replica in its own process too (`src/main.ts` with the
 * shipped Deployment's NODE_OPTIONS and concurrency), so its memory is its own, not that of
 * the benchmark's clients and informers.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchV1Api, CustomObjectsApi, type V1Job } from '@kubernetes/client-node';
import { Engine } from '../../src/engine/engine.ts';
import { startInformer } from '../../src/kube/informer.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { createMetrics, type Metrics } from '../../src/observability/metrics.ts';
import { writeAlertmanagerCredentials } from '../fixtures/alertmanager-credentials.ts';
import { startClusterProcess, type ClusterProcess } from '../fixtures/cluster-process.ts';
import { startDispatcherProcess } from '../fixtures/dispatcher-process.ts';
import { freePort } from '../fixtures/free-port.ts';
import { submitRun } from '../fixtures/submit-run.ts';
import { waitForRuns } from '../fixtures/wait-for-runs.ts';
import { percentiles, type BenchRow } from './harness.ts';
import { cpuSecondsOf, peakRssMiBOf } from './process-usage.ts';
import { shippedEnv } from './shipped-env.ts';

const DIGEST = `sha256:${'e'.repeat(64)}`;
const IMAGE = `registry.local/bench/exit@${DIGEST}`;
const BURST = 1_000;

export async function benchEngine(): Promise<BenchRow[]> {
  const stateDir = await mkdtemp(join(tmpdir(), 'kubernaut-bench-'));
  const cluster = await startClusterProcess(stateDir, {
    catalog: { [DIGEST]: ['/bin/sh', '-c', 'echo "{}"'] },
  });
  let metrics = createMetrics({ defaultMetrics: false });
  let engine = new Engine({ kc: cluster.kc, logger: createLogger('silent'), metrics });
  await engine.start();
  const api = cluster.kc.makeApiClient(CustomObjectsApi);
  const batch = cluster.kc.makeApiClient(BatchV1Api);
  const jobAdded = new Map<string, number>();
  const jobComplete = new Map<string, number>();
  const jobs = startInformer<V1Job>({
    kc: cluster.kc,
    path: '/apis/batch/v1/jobs',
    list: () => batch.listJobForAllNamespaces(),
    onEvent: (event, job) => {
      const name = job.metadata?.name ?? '';
      if (event === 'add') jobAdded.set(name, performance.now());
      if (
        job.status?.conditions?.some((condition) => condition.type === 'Complete') &&
        !jobComplete.has(name)
      )
        jobComplete.set(name, performance.now());
    },
  });
  await jobs.synced;
  const submit = (name: string, steps: number): Promise<unknown> =>
    submitRun(api, name, {
      workflowType: 'bench',
      steps: Array.from({ length: steps }, (_, index) => ({
        name: `s${String(index)}`,
        actionType: 'bench/exit',
        image: IMAGE,
        runAfter: index ? [`s${String(index - 1)}`] : [],
      })),
    });
  const rows: BenchRow[] = [];
  try {
    // (a) and (b): two-step chains, one at a time, 40 of them.
    const toFirstJob: number[] = [];
    const toNextJob: number[] = [];
    for (let index = 0; index < 40; index++) {
      const name = `latency-${String(index)}`;
      const sent = performance.now();
      await submit(name, 2);
      await waitForRuns(cluster.kc, [name], 20_000);
      toFirstJob.push((jobAdded.get(`${name}-s0-1`) ?? Number.NaN) - sent);
      toNextJob.push(
        (jobAdded.get(`${name}-s1-1`) ?? Number.NaN) -
          (jobComplete.get(`${name}-s0-1`) ?? Number.NaN),
      );
    }
    rows.push({
      suite: 'engine',
      name: '(a) run created → first Job created',
      ...percentiles(toFirstJob),
      notes: '40 runs; target p50 <= 20 ms, p99 <= 100 ms',
    });
    rows.push({
      suite: 'engine',
      name: '(b) Job complete → dependent Job created',
      ...percentiles(toNextJob),
      notes: '40 runs; target p50 <= 20 ms, p99 <= 100 ms',
    });

    // (c): requests per run, counted by the engine itself, one run alone in the cluster.
    for (const steps of [1, 4]) {
      await engine.stop();
      metrics = createMetrics({ defaultMetrics: false });
      engine = new Engine({ kc: cluster.kc, logger: createLogger('silent'), metrics });
      await engine.start();
      const name = `requests-${String(steps)}`;
      await submit(name, steps);
      await waitForRuns(cluster.kc, [name], 20_000);
      await engine.idle();
      const byVerb = await requestsByVerb(metrics);
      const total = Object.values(byVerb).reduce((sum, count) => sum + count, 0);
      rows.push({
        suite: 'engine',
        name: `(c) API requests, ${String(steps)}-step run`,
        opsPerSec: undefined,
        notes: `${String(total)} requests: ${Object.entries(byVerb)
          .map(([verb, count]) => `${verb} ${String(count)}`)
          .join(', ')}${steps === 1 ? '; target <= 12' : ''}`,
        requests: total,
      });
    }

    // (d): 1,000 single-step runs at once, executed by a dispatcher process of its own.
    await jobs.stop();
    await engine.stop();
    rows.push(await benchBurst(cluster, stateDir, (name) => submit(name, 1)));
  } finally {
    await jobs.stop();
    await engine.stop();
    await cluster.close();
    await rm(stateDir, { recursive: true, force: true });
  }
  return rows;
}

async function benchBurst(
  cluster: ClusterProcess,
  dir: string,
  submit: (name: string) => Promise<unknown>,
): Promise<BenchRow> {
  const credentials = await writeAlertmanagerCredentials(dir, 'engine-bench-token-0123456789');
  const shipped = await shippedEnv(['NODE_OPTIONS', 'KUBERNAUT_CONCURRENCY']);
  const dispatcher = await startDispatcherProcess({
    identity: 'burst',
    port: await freePort(),
    kubeconfig: cluster.kubeconfigPath,
    env: { KUBERNAUT_CREDENTIALS_FILE: credentials, ...shipped },
  });
  try {
    await dispatcher.waitForLog((line) => line.msg.startsWith('replica membership changed'));
    const idleRss = await peakRssMiBOf(dispatcher.pid);
    const cpuBefore = await cpuSecondsOf(dispatcher.pid);
    const names = Array.from({ length: BURST }, (_, index) => `burst-${String(index)}`);
    const started = performance.now();
    const inFlight = new Set<Promise<unknown>>();
    for (const name of names) {
      const request = submit(name).finally(() => inFlight.delete(request));
      inFlight.add(request);
      if (inFlight.size >= 32) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    const finished = await waitForRuns(cluster.kc, names, 120_000);
    const seconds = (performance.now() - started) / 1000;
    const cpuSeconds = (await cpuSecondsOf(dispatcher.pid)) - cpuBefore;
    const peakRss = Math.round(await peakRssMiBOf(dispatcher.pid));
    const succeeded = finished.filter((run) => run.status?.phase === 'Succeeded').length;
    return {
      suite: 'engine',
      name: '(d) 1,000 single-step runs at once',
      opsPerSec: BURST / seconds,
      notes: `${seconds.toFixed(1)} s to all finished (${String(succeeded)} Succeeded), dispatcher process peak RSS ${String(peakRss)} MiB (${String(Math.round(idleRss))} MiB before the burst), CPU ${cpuSeconds.toFixed(1)} s, NODE_OPTIONS ${shipped.NODE_OPTIONS ?? '(none)'}; target <= 30 s, <= 250 MiB`,
      seconds,
      peakRssMiB: peakRss,
    };
  } finally {
    await dispatcher.kill('SIGTERM');
  }
}

/** The shipped Deployment's values of these environment variables, so (d) runs as shipped. */
async function requestsByVerb(metrics: Metrics): Promise<Record<string, number>> {
  const byVerb: Record<string, number> = {};
  for (const value of (await metrics.kubeRequests.get()).values) {
    const key = `${String(value.labels.verb)} ${String(value.labels.resource)}`;
    byVerb[key] = (byVerb[key] ?? 0) + value.value;
  }
  return byVerb;
}
