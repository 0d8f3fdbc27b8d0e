/**
 * Soak (issue 9): one real dispatcher process against the local cluster (its own process),
 * fed a steady stream of alerts that become runs, whose finished runs are deleted as a
 * retention policy would. The dispatcher's own /metrics is sampled: resident memory,
 * event-loop lag, open handles. A leak shows as growth after warm-up while the work is
 * steady.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CustomObjectsApi,
  type KubernetesListObject,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { TERMINAL_RUN_PHASES, type WorkflowExecution } from '../../src/api/workflow-execution.ts';
import { startInformer } from '../../src/kube/informer.ts';
import { webhookBody } from '../fixtures/alert-templates.ts';
import { startClusterProcess } from '../fixtures/cluster-process.ts';
import { startDispatcherProcess } from '../fixtures/dispatcher-process.ts';
import { freePort } from '../fixtures/free-port.ts';
import { writeAlertmanagerCredentials } from '../fixtures/alertmanager-credentials.ts';

const TOKEN = 'soak-alertmanager-token-0123456789';
const DIGEST = `sha256:${'d'.repeat(64)}`;
const GROUP = { group: 'kubernaut.ai', version: 'v1alpha1', namespace: 'default' };

export interface SoakSample {
  atSeconds: number;
  rssBytes: number;
  eventLoopLagSeconds: number;
  handles: number;
  runsCreated: number;
}

export interface SoakResult {
  samples: SoakSample[];
  alertsSent: number;
  alertsFailed: number;
  runsFinished: number;
}

function metricValue(text: string, name: string): number {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text);
  return Number(match?.[1] ?? Number.NaN);
}

export async function runSoak(options: {
  seconds: number;
  alertsPerSecond: number;
  sampleEverySeconds: number;
}): Promise<SoakResult> {
  const dir = await mkdtemp(join(tmpdir(), 'kubernaut-soak-'));
  const cluster = await startClusterProcess(join(dir, 'cluster'), {
    catalog: { [DIGEST]: ['/bin/sh', '-c', 'echo "{}"'] },
  });
  const credentialsFile = await writeAlertmanagerCredentials(dir, TOKEN);
  const api = cluster.kc.makeApiClient(CustomObjectsApi);
  await api.createNamespacedCustomObject({
    ...GROUP,
    plural: 'remediationtemplates',
    body: {
      apiVersion: 'kubernaut.ai/v1alpha1',
      kind: 'RemediationTemplate',
      metadata: { name: 'soak', namespace: 'default' },
      spec: {
        match: ['alertname="Soak"'],
        workflowType: 'soak',
        target: '{{ labels.namespace }}/Deployment/{{ labels.deployment }}',
        steps: [
          { name: 'act', actionType: 'test/exit', image: `registry.local/test/exit@${DIGEST}` },
        ],
        guardrails: { maxNewRunsPerMinute: 100_000 },
      },
    },
  });
  const dispatcher = await startDispatcherProcess({
    identity: 'soak',
    port: await freePort(),
    kubeconfig: cluster.kubeconfigPath,
    env: { KUBERNAUT_CREDENTIALS_FILE: credentialsFile },
  });
  // Retention: finished runs are deleted, so the steady state has a bounded number of runs.
  let runsFinished = 0;
  const retention = startInformer<KubernetesObject>({
    kc: cluster.kc,
    path: '/apis/kubernaut.ai/v1alpha1/namespaces/default/workflowexecutions',
    list: () =>
      api.listNamespacedCustomObject({ ...GROUP, plural: 'workflowexecutions' }) as Promise<
        KubernetesListObject<KubernetesObject>
      >,
    onEvent: (event, object) => {
      const run = object as unknown as WorkflowExecution;
      if (event === 'delete' || !run.status?.phase || !TERMINAL_RUN_PHASES.has(run.status.phase))
        return;
      runsFinished++;
      void api
        .deleteNamespacedCustomObject({
          ...GROUP,
          plural: 'workflowexecutions',
          name: run.metadata.name ?? '',
        })
        .catch(() => undefined);
    },
  });
  await retention.synced;

  const samples: SoakSample[] = [];
  let alertsSent = 0;
  let alertsFailed = 0;
  const started = performance.now();
  const sample = async (): Promise<void> => {
    const text = await (await fetch(`${dispatcher.url}/metrics`)).text();
    samples.push({
      atSeconds: (performance.now() - started) / 1000,
      rssBytes: metricValue(text, 'process_resident_memory_bytes'),
      eventLoopLagSeconds: metricValue(text, 'nodejs_eventloop_lag_p99_seconds'),
      handles: metricValue(text, 'nodejs_active_handles_total'),
      runsCreated: metricValue(text, 'kubernaut_alert_runs_created_total'),
    });
  };
  const send = async (index: number): Promise<void> => {
    // Every alert a new target and episode: each one becomes a run.
    const body = webhookBody([
      {
        labels: { alertname: 'Soak', namespace: 'default', deployment: `app-${String(index)}` },
        startsAt: new Date().toISOString(),
      },
    ]);
    const response = await fetch(`${dispatcher.url}/api/v1/webhooks/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).catch(() => undefined);
    await response?.arrayBuffer();
    if (response?.ok) alertsSent++;
    else alertsFailed++;
  };
  try {
    const total = Math.round(options.seconds * options.alertsPerSecond);
    const intervalMs = 1000 / options.alertsPerSecond;
    let nextSample = 0;
    const inFlight = new Set<Promise<void>>();
    for (let index = 0; index < total; index++) {
      const due = started + index * intervalMs;
      const wait = due - performance.now();
      // Pacing a load generator: waiting for the clock is the point here.
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const sending = send(index).finally(() => inFlight.delete(sending));
      inFlight.add(sending);
      if ((performance.now() - started) / 1000 >= nextSample) {
        await sample();
        nextSample += options.sampleEverySeconds;
      }
    }
    await Promise.all(inFlight);
    await sample();
    return { samples, alertsSent, alertsFailed, runsFinished };
  } finally {
    await retention.stop();
    await dispatcher.kill('SIGTERM');
    await cluster.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Growth from the warm-up (the second quarter) to the last quarter, median to median. A leak
 * moves every sample up, so it moves the median; one sample taken while the keep-alive pool
 * held a few extra connections for a burst does not (peaks did: 15 → 19 sockets for one sample
 * under a loaded CI run, with every other sample at 15).
 */
export function growthAfterWarmUp(
  samples: readonly SoakSample[],
  field: 'rssBytes' | 'handles',
): number {
  const quarter = Math.max(1, Math.floor(samples.length / 4));
  const median = (slice: readonly SoakSample[]): number => {
    const sorted = slice.map((each) => each[field]).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  };
  const warm = median(samples.slice(quarter, 2 * quarter));
  const last = median(samples.slice(-quarter));
  return (last - warm) / warm;
}
