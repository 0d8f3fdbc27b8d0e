/**
 * The on-demand API against the embedded API server, through `app.request()` (the HTTP socket is
 * not what is measured): (a) template runs created per second with 8 callers at once; (b) a
 * replayed Idempotency-Key (create → AlreadyExists → get); (c) one filtered page of 50 runs.
 * Bounded: at most 400 creates and 10 s per loop.
 */
import { CustomObjectsApi } from '@kubernetes/client-node';
import { createApp } from '../../handlers/app.ts';
import { CredentialStore } from '../../src/auth/credential-store.ts';
import { RunStore } from '../../src/ondemand/run-store.ts';
import { WorkflowService } from '../../src/ondemand/workflow-service.ts';
import { startTestLocalCluster } from '../integration/cluster/start-local-cluster.ts';
import { percentiles, type BenchRow } from './harness.ts';

const TOKEN = 'bench-token-0123456789';
const CREATES = 400;
const CONCURRENCY = 8;
const MAX_MS = 10_000;

async function timed(count: number, concurrency: number, call: (index: number) => Promise<void>) {
  const samples: number[] = [];
  const deadline = performance.now() + MAX_MS;
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < count && performance.now() < deadline) {
      const index = next++;
      const before = performance.now();
      await call(index);
      samples.push(performance.now() - before);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = performance.now() - started;
  return {
    opsPerSec: (samples.length / elapsed) * 1000,
    ...percentiles(samples),
    n: samples.length,
  };
}

export async function benchOnDemand(): Promise<BenchRow[]> {
  const cluster = await startTestLocalCluster();
  try {
    await cluster.kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      group: 'kubernaut.ai',
      version: 'v1alpha1',
      namespace: 'default',
      plural: 'remediationtemplates',
      body: {
        apiVersion: 'kubernaut.ai/v1alpha1',
        kind: 'RemediationTemplate',
        metadata: { name: 'bench', namespace: 'default' },
        spec: {
          workflowType: 'bench',
          parameters: [{ name: 'n', required: true, pattern: '[0-9]+' }],
          steps: [
            {
              name: 'a',
              actionType: 'bench/noop',
              image: `registry.local/bench@sha256:${'a'.repeat(64)}`,
              inputs: { n: '{{ params.n }}' },
            },
          ],
        },
      },
    });
    const app = createApp({
      readiness: [],
      credentials: new CredentialStore([
        { kind: 'bearer', secret: TOKEN, name: 'bench', scopes: ['run', 'read'] },
      ]),
      workflows: {
        service: new WorkflowService({ store: new RunStore(cluster.kc) }),
        rateLimit: { perSecond: 1e9, burst: 1e9 },
        maxBodyBytes: 1024 * 1024,
      },
    });
    const post = async (n: number, key?: string): Promise<void> => {
      const response = await app.request('/api/v1/workflows', {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${TOKEN}`,
          'Content-Type': 'application/json',
          ...(key ? { 'Idempotency-Key': key } : {}),
        },
        body: JSON.stringify({ template: 'bench', parameters: { n: String(n) } }),
      });
      if (response.status !== 201)
        throw new Error(`create answered ${String(response.status)}: ${await response.text()}`);
    };
    const creates = await timed(CREATES, CONCURRENCY, (index) => post(index));
    await post(0, 'replayed');
    const replays = await timed(200, CONCURRENCY, () => post(0, 'replayed'));
    const lists = await timed(100, 1, async () => {
      const response = await app.request('/api/v1/workflows?template=bench&limit=50', {
        headers: { Authorization: `Bearer ${TOKEN}` },
      });
      if (response.status !== 200) throw new Error(`list answered ${String(response.status)}`);
      await response.arrayBuffer();
    });
    return [
      {
        suite: 'ondemand',
        name: 'POST /api/v1/workflows (template, 8 at once)',
        ...pick(creates),
        notes: `${String(creates.n)} runs`,
      },
      {
        suite: 'ondemand',
        name: 'POST replayed Idempotency-Key',
        ...pick(replays),
        notes: `${String(replays.n)} replays, 1 run`,
      },
      {
        suite: 'ondemand',
        name: 'GET filtered page of 50',
        ...pick(lists),
        notes: `${String(lists.n)} pages`,
      },
    ];
  } finally {
    await cluster.close();
  }
}

function pick(result: { opsPerSec: number; p50Ms: number; p99Ms: number }) {
  return { opsPerSec: result.opsPerSec, p50Ms: result.p50Ms, p99Ms: result.p99Ms };
}
