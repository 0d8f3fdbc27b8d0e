/**
 * The real Alertmanager (Debian's prometheus-alertmanager) posting to the dispatcher's webhook
 * on loopback, with bearer auth and group_interval 1s, on the embedded cluster with the V1
 * engine: a run is created and succeeds; repeats over several intervals create nothing more;
 * with the API failing for a while, Alertmanager's retries still give exactly one run;
 * resolving cancels a run with cancelOnResolve; alerts on two pods of one Deployment give one
 * run for the Deployment.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { serve, type ServerType } from '@hono/node-server';
import { AppsV1Api, CoreV1Api, type KubernetesObject, type V1Pod } from '@kubernetes/client-node';
import { createApp } from '../../handlers/app.ts';
import type { IntakeSummary } from '../../src/alerts/intake-outcome.ts';
import { alertRunName } from '../../src/alerts/run-name.ts';
import type { WebhookPayload } from '../../src/alerts/webhook-payload.ts';
import { CredentialStore } from '../../src/auth/credential-store.ts';
import type { WorkflowExecution } from '../../src/api/workflow-execution.ts';
import { startInformer } from '../../src/kube/informer.ts';
import { startAlertIntake, type RunningAlertIntake } from '../../src/intake/start-alert-intake.ts';
import { createLogger } from '../../src/observability/logger.ts';
import {
  alertmanagerMissing,
  startAlertmanager,
  type RunningAlertmanager,
} from '../fixtures/alertmanager.ts';
import { waitForObject } from '../fixtures/wait-for-object.ts';
import { scriptImage } from '../integration/cluster/start-local-cluster.ts';
import {
  RUNS,
  startEngineHarness,
  type EngineHarness,
} from '../integration/engine/engine-harness.ts';

const TOKEN = 'alertmanager-e2e-token-0123456789';

interface Delivery {
  status: number;
  summary: IntakeSummary;
}

/** Every webhook answer, and a way to wait for the ones a test expects. */
class Deliveries {
  readonly all: Delivery[] = [];
  private waiters: { check: () => boolean; resolve: () => void }[] = [];

  push(delivery: Delivery): void {
    this.all.push(delivery);
    this.waiters = this.waiters.filter((waiter) => {
      if (!waiter.check()) return true;
      waiter.resolve();
      return false;
    });
  }

  of(alertname: string): Delivery[] {
    return this.all.filter((delivery) =>
      delivery.summary.alerts.some((alert) => alert.alertname === alertname),
    );
  }

  /** Resolves once `count` deliveries carrying `alertname` satisfy `match`. */
  async waitFor(
    alertname: string,
    count: number,
    match: (delivery: Delivery) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<Delivery[]> {
    const found = (): Delivery[] => this.of(alertname).filter(match);
    if (found().length >= count) return found();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) =>
        this.waiters.push({ check: () => found().length >= count, resolve }),
      ),
      new Promise((_, reject) => {
        timer = setTimeout(() => {
          reject(
            new Error(
              `${String(found().length)} of ${String(count)} ${alertname} deliveries in ${String(timeoutMs)} ms: ${JSON.stringify(this.of(alertname).map((d) => d.summary))}`,
            ),
          );
        }, timeoutMs);
      }),
    ]).finally(() => {
      clearTimeout(timer);
    });
    return found();
  }
}

describe('real Alertmanager → webhook → runs (e2e)', { skip: alertmanagerMissing() }, () => {
  let harness: EngineHarness;
  let intake: RunningAlertIntake;
  let server: ServerType;
  let alertmanager: RunningAlertmanager;
  const deliveries = new Deliveries();

  const template = (name: string, alertname: string, image: string, guardrails = {}) => ({
    apiVersion: 'kubernaut.ai/v1alpha1',
    kind: 'RemediationTemplate',
    metadata: { name, namespace: 'default' },
    spec: {
      match: [`alertname="${alertname}"`],
      workflowType: name,
      steps: [
        {
          name: 'fix',
          actionType: 'test/fix',
          image,
          inputs: { target: '{{ labels.namespace }}' },
        },
      ],
      guardrails: { maxNewRunsPerMinute: 100, ...guardrails },
    },
  });

  const runsOf = async (templateName: string): Promise<WorkflowExecution[]> => {
    const list = (await harness.customObjects.listNamespacedCustomObject({
      group: 'kubernaut.ai',
      version: 'v1alpha1',
      namespace: 'default',
      plural: 'workflowexecutions',
      labelSelector: `kubernaut.ai/template=${templateName}`,
    })) as { items: WorkflowExecution[] };
    return list.items;
  };

  const fire = (
    alertname: string,
    labels: Record<string, string>,
    startsAt: string,
    endsAt?: string,
  ) =>
    alertmanager.postAlerts([
      {
        labels: { alertname, namespace: 'default', ...labels },
        annotations: { summary: `${alertname} in e2e` },
        startsAt,
        ...(endsAt ? { endsAt } : {}),
      },
    ]);

  before(async () => {
    harness = await startEngineHarness();
    const catalog = harness.cluster.catalog;
    const quick = scriptImage(catalog, 'am-quick', 'console.log(JSON.stringify({ fixed: true }))');
    const slow = scriptImage(catalog, 'am-slow', 'setInterval(() => undefined, 1000)');
    for (const body of [
      template('am-succeed', 'E2ESucceed', quick),
      template('am-flaky', 'E2EFlaky', quick),
      template('am-cancel', 'E2ECancel', slow, { cancelOnResolve: true }),
      template('am-pods', 'E2EPodDown', slow),
    ]) {
      await harness.customObjects.createNamespacedCustomObject({
        group: 'kubernaut.ai',
        version: 'v1alpha1',
        namespace: 'default',
        plural: 'remediationtemplates',
        body,
      });
    }
    intake = startAlertIntake({
      kc: harness.cluster.kc,
      logger: createLogger('silent'),
      metrics: harness.metrics,
      paused: () => false,
    });
    await intake.synced;
    const app = createApp({
      readiness: [],
      credentials: new CredentialStore([
        { kind: 'bearer', secret: TOKEN, name: 'alertmanager', scopes: ['alerts'] },
      ]),
      alertmanager: {
        intake: {
          process: async (payload: WebhookPayload) => {
            const summary = await intake.intake.process(payload);
            deliveries.push({ status: summary.status, summary });
            return summary;
          },
          isReady: () => intake.isReady(),
        },
        maxBodyBytes: 1024 * 1024,
        deadlineMs: 5_000,
      },
    });
    server = await new Promise<ServerType>((resolve) => {
      const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => {
        resolve(started);
      });
    });
    const { port } = server.address() as AddressInfo;
    alertmanager = await startAlertmanager({
      webhookUrl: `http://127.0.0.1:${String(port)}/api/v1/webhooks/alertmanager`,
      token: TOKEN,
    });
  });

  after(async () => {
    await alertmanager?.close();
    await new Promise((resolve) => server?.close(resolve));
    await intake?.stop();
    await harness?.close();
  });

  it('creates a run that runs to Succeeded, and repeats over several group intervals create nothing more', async () => {
    const startsAt = new Date().toISOString();
    await fire('E2ESucceed', { deployment: 'web' }, startsAt);
    const [first] = await deliveries.waitFor('E2ESucceed', 1);
    assert.equal(first?.status, 200, alertmanager.log());
    const name = alertRunName(
      'default/am-succeed',
      'am-succeed',
      'default/Deployment/web',
      startsAt,
    );
    assert.deepEqual(
      first?.summary.alerts.map((alert) => [alert.result, alert.run]),
      [['created', name]],
    );
    const finished = await harness.finished(name, 30_000);
    assert.equal(finished.status?.phase, 'Succeeded');
    assert.equal(finished.spec.source?.type, 'alert');

    // Alertmanager repeats the group (repeat_interval 2s): three more notifications.
    const seen = deliveries.of('E2ESucceed').length;
    const repeats = (await deliveries.waitFor('E2ESucceed', seen + 3)).slice(seen);
    for (const repeat of repeats) {
      assert.deepEqual(
        repeat.summary.alerts.map((alert) => [alert.result, alert.run]),
        [['duplicate', name]],
      );
    }
    assert.equal((await runsOf('am-succeed')).length, 1);
    await intake.idle();
    const counted = await waitForObject<WorkflowExecution>(
      harness.cluster.kc,
      RUNS,
      name,
      (run) => (run.status?.occurrences ?? 0) >= 2,
    );
    assert.ok((counted.status?.occurrences ?? 0) >= 2);
  });

  it('with the API failing for a while, Alertmanager retries into exactly one run', async () => {
    const faults = harness.cluster.server.faults;
    faults.configure({
      errors: [{ verb: 'create', resource: 'workflowexecutions', code: 500, rate: 1 }],
    });
    const startsAt = new Date().toISOString();
    await fire('E2EFlaky', { deployment: 'api' }, startsAt);
    // Each 503 makes Alertmanager retry with backoff.
    await deliveries.waitFor('E2EFlaky', 2, (delivery) => delivery.status === 503);
    faults.configure({ errors: [] });
    const [created] = await deliveries.waitFor('E2EFlaky', 1, (delivery) =>
      delivery.summary.alerts.some((alert) => alert.result === 'created'),
    );
    const name = created?.summary.alerts[0]?.run ?? '';
    const seen = deliveries.of('E2EFlaky').length;
    await deliveries.waitFor('E2EFlaky', seen + 2);
    const runs = await runsOf('am-flaky');
    assert.deepEqual(
      runs.map((run) => run.metadata.name),
      [name],
    );
    assert.equal((await harness.finished(name, 30_000)).status?.phase, 'Succeeded');
  });

  it('resolving the alert cancels its run (cancelOnResolve)', async () => {
    const startsAt = new Date().toISOString();
    await fire('E2ECancel', { deployment: 'worker' }, startsAt);
    const name = alertRunName(
      'default/am-cancel',
      'am-cancel',
      'default/Deployment/worker',
      startsAt,
    );
    await waitForObject<WorkflowExecution>(
      harness.cluster.kc,
      RUNS,
      name,
      (run) => run.status?.steps[0]?.phase === 'Running',
      30_000,
    );
    await fire('E2ECancel', { deployment: 'worker' }, startsAt, new Date().toISOString());
    const [resolved] = await deliveries.waitFor('E2ECancel', 1, (delivery) =>
      delivery.summary.alerts.some((alert) => alert.result === 'ignored-resolved'),
    );
    assert.deepEqual(resolved?.summary.alerts[0]?.cancelled, [name]);
    const cancelled = await harness.finished(name, 30_000);
    assert.equal(cancelled.status?.phase, 'Cancelled');
    assert.equal((await runsOf('am-cancel')).length, 1);
  });

  it('gives alerts on two pods of one Deployment one run, for the Deployment', async () => {
    const apps = harness.cluster.kc.makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'shop', namespace: 'default' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'shop' } },
          template: {
            metadata: { labels: { app: 'shop' } },
            spec: { containers: [{ name: 'app', image: 'registry.local/shop:1.0' }] },
          },
        },
      },
    });
    const pods = await waitForPods(harness, 'app=shop', 2);
    const startsAt = Date.now();
    await alertmanager.postAlerts(
      pods.map((pod, index) => ({
        labels: { alertname: 'E2EPodDown', namespace: 'default', pod: pod.metadata?.name ?? '' },
        startsAt: new Date(startsAt + index * 1000).toISOString(),
      })),
    );
    const [both] = await deliveries.waitFor(
      'E2EPodDown',
      1,
      (delivery) => delivery.summary.alerts.length === 2,
    );
    assert.deepEqual(
      both?.summary.alerts.map((alert) => alert.target),
      ['default/Deployment/shop', 'default/Deployment/shop'],
    );
    const runs = await runsOf('am-pods');
    assert.equal(runs.length, 1);
    assert.equal(runs[0]?.spec.target, 'default/Deployment/shop');
  });
});

/** Waits, on a watch, until `count` pods match the selector. */
async function waitForPods(
  harness: EngineHarness,
  selector: string,
  count: number,
): Promise<V1Pod[]> {
  const core = harness.cluster.kc.makeApiClient(CoreV1Api);
  const pods = new Map<string, V1Pod>();
  let done: () => void = () => undefined;
  const enough = new Promise<void>((resolve) => (done = resolve));
  const informer = startInformer<KubernetesObject>({
    kc: harness.cluster.kc,
    path: '/api/v1/namespaces/default/pods',
    labelSelector: selector,
    list: () => core.listNamespacedPod({ namespace: 'default', labelSelector: selector }),
    onEvent: (event, object) => {
      const name = object.metadata?.name ?? '';
      if (event === 'delete') pods.delete(name);
      else pods.set(name, object);
      if (pods.size >= count) done();
    },
  });
  try {
    await enough;
    return [...pods.values()].slice(0, count);
  } finally {
    await informer.stop();
  }
}
