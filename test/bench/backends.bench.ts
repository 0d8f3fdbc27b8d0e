/**
 * The Jobs backend (V1) and the Tekton backend (V2) side by side, on the same workloads as
 * the engine benchmark, in one run (issue 7): per backend, (a) a single-step run from
 * submit to its final phase and the dispatcher CPU it costs, (b) the extra time per step of
 * a four-step chain, (c) the dispatcher's API requests per 1- and 4-step run, (d) a burst of
 * single-step runs at once: time to all finished, peak RSS. The local cluster (API server,
 * kubelet, Job and Tekton controllers) runs in a child process, so only the dispatcher is
 * measured; actions exit at once, so what is left is control-plane overhead.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { Engine } from '../../src/engine/engine.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { createMetrics, type Metrics } from '../../src/observability/metrics.ts';
import { startClusterProcess, type ClusterProcess } from '../fixtures/cluster-process.ts';
import { submitRun } from '../fixtures/submit-run.ts';
import { waitForRuns } from '../fixtures/wait-for-runs.ts';
import { percentiles, type BenchRow } from './harness.ts';

const DIGEST = `sha256:${'d'.repeat(64)}`;
const IMAGE = `registry.local/bench/exit@${DIGEST}`;
/** Prints `{}` and, under Tekton, writes it as the outputs result: what the runtime does. */
const EXIT =
  'echo "{}"; d="$KUBERNAUT_ROOT/tekton/results"; if [ -d "$d" ]; then printf "{}" > "$d/outputs"; fi';
const BACKENDS = ['jobs', 'tekton'] as const;
type Backend = (typeof BACKENDS)[number];
const SEQUENTIAL_RUNS = 12;
const CHAIN_RUNS = 6;
const BURST = 100;

interface Session {
  engine: Engine;
  metrics: Metrics;
}

async function startEngine(cluster: ClusterProcess, backend: Backend): Promise<Session> {
  const core = cluster.kc.makeApiClient(CoreV1Api);
  const body = {
    metadata: { name: 'kubernaut-routing', namespace: 'default' },
    data: { mode: backend },
  };
  await core
    .replaceNamespacedConfigMap({ namespace: 'default', name: 'kubernaut-routing', body })
    .catch(() => core.createNamespacedConfigMap({ namespace: 'default', body }));
  const metrics = createMetrics({ defaultMetrics: false });
  const engine = new Engine({
    kc: cluster.kc,
    logger: createLogger('silent'),
    metrics,
    routingNamespace: 'default',
  });
  await engine.start();
  if (engine.routing.flags().mode !== backend) throw new Error(`routing is not ${backend}`);
  return { engine, metrics };
}

async function requestCount(metrics: Metrics): Promise<number> {
  return (await metrics.kubeRequests.get()).values.reduce((sum, value) => sum + value.value, 0);
}

export async function benchBackends(): Promise<BenchRow[]> {
  const stateDir = await mkdtemp(join(tmpdir(), 'kubernaut-bench-backends-'));
  const cluster = await startClusterProcess(stateDir, {
    catalog: { [DIGEST]: ['/bin/sh', '-c', EXIT] },
  });
  const api = cluster.kc.makeApiClient(CustomObjectsApi);
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
  const timeRun = async (name: string, steps: number): Promise<number> => {
    const sent = performance.now();
    await submit(name, steps);
    const [run] = await waitForRuns(cluster.kc, [name], 60_000);
    if (run?.status?.phase !== 'Succeeded')
      throw new Error(`${name}: ${JSON.stringify(run?.status)}`);
    return performance.now() - sent;
  };
  const rows: BenchRow[] = [];
  try {
    for (const backend of BACKENDS) {
      const row = (name: string, values: Partial<BenchRow>): void => {
        rows.push({ suite: 'backends', name: `${backend}: ${name}`, ...values, backend });
      };
      let session = await startEngine(cluster, backend);
      // (a) single-step runs, one at a time.
      const single: number[] = [];
      const cpuBefore = process.cpuUsage();
      for (let index = 0; index < SEQUENTIAL_RUNS; index++)
        single.push(await timeRun(`${backend}-one-${String(index)}`, 1));
      const cpu = process.cpuUsage(cpuBefore);
      const cpuMsPerRun = (cpu.user + cpu.system) / 1000 / SEQUENTIAL_RUNS;
      const oneStep = percentiles(single);
      row('(a) 1-step run, submit → Succeeded', {
        ...oneStep,
        notes: `${String(SEQUENTIAL_RUNS)} runs one at a time; dispatcher CPU ${cpuMsPerRun.toFixed(1)} ms per run`,
        cpuMsPerRun,
      });
      // (b) four-step chains: the marginal time of a step.
      const chain: number[] = [];
      for (let index = 0; index < CHAIN_RUNS; index++)
        chain.push(await timeRun(`${backend}-chain-${String(index)}`, 4));
      const fourStep = percentiles(chain);
      const perStepMs = (fourStep.p50Ms - oneStep.p50Ms) / 3;
      row('(b) 4-step chain, submit → Succeeded', {
        ...fourStep,
        notes: `${String(CHAIN_RUNS)} runs; per extra step ${perStepMs.toFixed(0)} ms (p50)`,
        perStepMs,
      });
      // (c) requests per run, a fresh engine and one run alone.
      for (const steps of [1, 4]) {
        await session.engine.stop();
        session = await startEngine(cluster, backend);
        await timeRun(`${backend}-requests-${String(steps)}`, steps);
        await session.engine.idle();
        const requests = await requestCount(session.metrics);
        row(`(c) API requests, ${String(steps)}-step run`, {
          notes: `${String(requests)} requests by the dispatcher`,
          requests,
        });
      }
      // (d) a burst of single-step runs submitted at once.
      let peakRss = process.memoryUsage().rss;
      const sampler = setInterval(() => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      }, 50);
      const names = Array.from(
        { length: BURST },
        (_, index) => `${backend}-burst-${String(index)}`,
      );
      const started = performance.now();
      const burstCpu = process.cpuUsage();
      await Promise.all(names.map((name) => submit(name, 1)));
      const finished = await waitForRuns(cluster.kc, names, 300_000);
      const seconds = (performance.now() - started) / 1000;
      const burstCpuUsed = process.cpuUsage(burstCpu);
      clearInterval(sampler);
      const succeeded = finished.filter((run) => run.status?.phase === 'Succeeded').length;
      row(`(d) ${String(BURST)} 1-step runs at once`, {
        opsPerSec: BURST / seconds,
        notes: `${seconds.toFixed(1)} s to all finished (${String(succeeded)} Succeeded), peak RSS ${String(Math.round(peakRss / 2 ** 20))} MiB, dispatcher CPU ${((burstCpuUsed.user + burstCpuUsed.system) / 1e6).toFixed(1)} s`,
        seconds,
        peakRssMiB: Math.round(peakRss / 2 ** 20),
      });
      await session.engine.stop();
    }
  } finally {
    await cluster.close();
    await rm(stateDir, { recursive: true, force: true });
  }
  return rows;
}
