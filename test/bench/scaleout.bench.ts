/**
 * Scale-out (issue 9): 1, 2 and 3 real dispatcher processes behind a round-robin Service on
 * one local cluster (its own process). (a) intake: new alerts per second through the Service
 * for a fixed time, into dry-run runs (recorded and checked, no Job), so the figure is the
 * intake's; (b) execution: 150 single-step runs at once, time to all finished and each
 * replica's share of the Jobs; (c) takeover: a replica killed with SIGKILL, time until the
 * others have taken its runs over (lease 4 s).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { Pool } from 'undici';
import { webhookBody } from '../fixtures/alert-templates.ts';
import { startClusterProcess, type ClusterProcess } from '../fixtures/cluster-process.ts';
import { startDispatcherProcess, type DispatcherProcess } from '../fixtures/dispatcher-process.ts';
import { freePort } from '../fixtures/free-port.ts';
import { startRoundRobinProxy } from '../fixtures/round-robin-proxy.ts';
import { submitRun } from '../fixtures/submit-run.ts';
import { waitForRuns } from '../fixtures/wait-for-runs.ts';
import type { BenchRow } from './harness.ts';
import { writeAlertmanagerCredentials } from '../fixtures/alertmanager-credentials.ts';

const TOKEN = 'scaleout-bench-token-0123456789';
const DIGEST = `sha256:${'b'.repeat(64)}`;
const IMAGE = `registry.local/bench/exit@${DIGEST}`;
const GROUP = { group: 'kubernaut.ai', version: 'v1alpha1', namespace: 'default' };
const LEASE_SECONDS = 4;
const INTAKE_SECONDS = 5;
const RUNS = 150;

async function jobCreates(replica: DispatcherProcess): Promise<number> {
  const text = await (await fetch(`${replica.url}/metrics`)).text();
  let sum = 0;
  for (const match of text.matchAll(
    /^kubernaut_kube_api_requests_total\{[^}]*verb="create"[^}]*\} (\d+)$/gm,
  )) {
    if (match[0].includes('resource="jobs"') && match[0].includes('code="201"'))
      sum += Number(match[1]);
  }
  return sum;
}

async function setUp(dir: string): Promise<{ cluster: ClusterProcess; credentials: string }> {
  const cluster = await startClusterProcess(join(dir, 'cluster'), {
    catalog: { [DIGEST]: ['/bin/sh', '-c', 'echo "{}"'] },
  });
  const credentials = await writeAlertmanagerCredentials(dir, TOKEN);
  await cluster.kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
    ...GROUP,
    plural: 'remediationtemplates',
    body: {
      apiVersion: 'kubernaut.ai/v1alpha1',
      kind: 'RemediationTemplate',
      metadata: { name: 'scale-intake', namespace: 'default' },
      spec: {
        match: ['alertname="ScaleIntake"'],
        workflowType: 'scale-intake',
        target: '{{ labels.namespace }}/Deployment/{{ labels.deployment }}',
        steps: [{ name: 'act', actionType: 'bench/exit', image: IMAGE }],
        guardrails: { maxNewRunsPerMinute: 1_000_000, dryRun: true },
      },
    },
  });
  return { cluster, credentials };
}

/** New alerts, each a new target, from 16 keep-alive connections for a fixed time. */
async function measureIntake(port: number, prefix: string): Promise<number> {
  const pool = new Pool(`http://127.0.0.1:${String(port)}`, { connections: 16 });
  let accepted = 0;
  let next = 0;
  const deadline = performance.now() + INTAKE_SECONDS * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const index = next++;
      const response = await pool.request({
        method: 'POST',
        path: '/api/v1/webhooks/alertmanager',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(
          webhookBody([
            {
              labels: {
                alertname: 'ScaleIntake',
                namespace: 'default',
                deployment: `${prefix}-${String(index)}`,
              },
              startsAt: '2026-01-01T00:00:00.000Z',
            },
          ]),
        ),
      });
      await response.body.dump();
      if (response.statusCode === 200) accepted++;
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  await pool.close();
  return accepted / INTAKE_SECONDS;
}

export async function benchScaleOut(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const count of [1, 2, 3]) {
    const dir = await mkdtemp(join(tmpdir(), 'kubernaut-bench-scaleout-'));
    const { cluster, credentials } = await setUp(dir);
    const replicas: DispatcherProcess[] = [];
    try {
      for (let index = 1; index <= count; index++) {
        replicas.push(
          await startDispatcherProcess({
            identity: `r${String(index)}`,
            port: await freePort(),
            kubeconfig: cluster.kubeconfigPath,
            env: {
              KUBERNAUT_CREDENTIALS_FILE: credentials,
              KUBERNAUT_LEASE_DURATION_SECONDS: String(LEASE_SECONDS),
              KUBERNAUT_LEASE_RENEW_SECONDS: '1',
              LOG_LEVEL: 'info',
              KUBERNAUT_ALERTS_RATE_LIMIT: '0',
            },
          }),
        );
      }
      await Promise.all(
        replicas.map((replica) =>
          replica.waitForLog(
            (line) =>
              line.msg.startsWith('replica membership changed') &&
              Array.isArray(line.members) &&
              line.members.length === count,
          ),
        ),
      );
      const proxy = await startRoundRobinProxy(replicas.map((replica) => replica.port));
      const alertsPerSecond = await measureIntake(proxy.port, `n${String(count)}`);
      rows.push({
        suite: 'scaleout',
        name: `(a) intake, ${String(count)} replica(s)`,
        opsPerSec: alertsPerSecond,
        notes: `new alerts into dry-run runs through one Service, ${String(INTAKE_SECONDS)} s, 16 connections`,
      });

      const api = cluster.kc.makeApiClient(CustomObjectsApi);
      const names = Array.from({ length: RUNS }, (_, index) => `exec-${String(index)}`);
      const started = performance.now();
      await Promise.all(
        names.map((name) =>
          submitRun(api, name, {
            workflowType: 'bench',
            steps: [{ name: 's0', actionType: 'bench/exit', image: IMAGE }],
          }),
        ),
      );
      await waitForRuns(cluster.kc, names, 300_000);
      const seconds = (performance.now() - started) / 1000;
      const shares = await Promise.all(replicas.map(jobCreates));
      const total = shares.reduce((sum, share) => sum + share, 0);
      rows.push({
        suite: 'scaleout',
        name: `(b) execution, ${String(count)} replica(s)`,
        opsPerSec: RUNS / seconds,
        notes: `${String(RUNS)} runs in ${seconds.toFixed(1)} s; Jobs per replica ${shares.join('/')} (largest share ${((Math.max(...shares) / total) * 100).toFixed(0)}%)`,
      });

      if (count === 3) {
        const [victim, ...others] = replicas;
        if (victim) {
          const killedAt = Date.now();
          await victim.kill('SIGKILL');
          const seen = await Promise.all(
            others.map((replica) =>
              replica.waitForLog(
                (line) =>
                  line.msg.startsWith('replica membership changed') &&
                  line.time > killedAt &&
                  Array.isArray(line.members) &&
                  !line.members.includes(victim.identity),
              ),
            ),
          );
          const takeoverMs = Math.max(...seen.map((line) => line.time - killedAt));
          rows.push({
            suite: 'scaleout',
            name: '(c) takeover after SIGKILL, 3 replicas',
            p50Ms: takeoverMs,
            notes: `lease ${String(LEASE_SECONDS)} s, renew 1 s; target <= lease + 2 s`,
          });
        }
      }
      await proxy.close();
    } finally {
      await Promise.all(replicas.map((replica) => replica.kill('SIGTERM')));
      await cluster.close();
      await rm(dir, { recursive: true, force: true });
    }
  }
  return rows;
}
