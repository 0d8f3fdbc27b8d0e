/**
 * Chaos (issue 9): three dispatcher processes behind a round-robin "Service", one embedded
 * API server (its own process) injecting API errors and cutting every watch every few
 * seconds, and a real Alertmanager. 1,000 alerts on 200 targets; meanwhile one replica is
 * killed with SIGKILL and restarted, another stopped with SIGTERM. Every target gets exactly
 * its one run, every run ends, exactly one Job was ever created per step attempt (counted on
 * the API server), and the dead replica's runs moved within a lease duration + 2 s.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CustomObjectsApi,
  type KubernetesListObject,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { TERMINAL_RUN_PHASES, type WorkflowExecution } from '../../src/api/workflow-execution.ts';
import { startInformer } from '../../src/kube/informer.ts';
import { retryOnError } from '../../src/kube/retry.ts';
import {
  alertmanagerMissing,
  startAlertmanager,
  type RunningAlertmanager,
} from '../fixtures/alertmanager.ts';
import { startClusterProcess, type ClusterProcess } from '../fixtures/cluster-process.ts';
import { startDispatcherProcess, type DispatcherProcess } from '../fixtures/dispatcher-process.ts';
import { freePort } from '../fixtures/free-port.ts';
import { startRoundRobinProxy, type RoundRobinProxy } from '../fixtures/round-robin-proxy.ts';
import { writeAlertmanagerCredentials } from '../fixtures/alertmanager-credentials.ts';

const TARGETS = Number(process.env.CHAOS_TARGETS ?? 200);
const ALERTS_PER_TARGET = 5;
const LEASE_SECONDS = 4;
const TOKEN = 'chaos-alertmanager-token-0123456789';
const DIGEST = `sha256:${'c'.repeat(64)}`;
const GROUP = { group: 'kubernaut.ai', version: 'v1alpha1', namespace: 'default' };

/**
 * Resolves with the template's runs once `count` of them exist and all are final; `stop`
 * ends the watch early (a failing test must not hang on it).
 */
function allRunsFinal(
  cluster: ClusterProcess,
  count: number,
): { done: Promise<WorkflowExecution[]>; stop: () => Promise<void> } {
  const api = cluster.kc.makeApiClient(CustomObjectsApi);
  const selector = 'kubernaut.ai/template=chaos';
  const runs = new Map<string, WorkflowExecution>();
  let stop: () => Promise<void> = () => Promise.resolve();
  const done = new Promise<WorkflowExecution[]>((resolve) => {
    const informer = startInformer<KubernetesObject>({
      kc: cluster.kc,
      path: '/apis/kubernaut.ai/v1alpha1/namespaces/default/workflowexecutions',
      labelSelector: selector,
      list: () =>
        api.listNamespacedCustomObject({
          ...GROUP,
          plural: 'workflowexecutions',
          labelSelector: selector,
        }) as Promise<KubernetesListObject<KubernetesObject>>,
      onEvent: (event, object) => {
        const run = object as unknown as WorkflowExecution;
        if (event === 'delete') runs.delete(run.metadata.name ?? '');
        else runs.set(run.metadata.name ?? '', run);
        const final = [...runs.values()].filter(
          (each) => each.status?.phase && TERMINAL_RUN_PHASES.has(each.status.phase),
        );
        if (runs.size >= count && final.length === runs.size) {
          void informer.stop().then(() => {
            resolve([...runs.values()]);
          });
        }
      },
    });
    stop = () => informer.stop();
  });
  return { done, stop: () => stop() };
}

describe(
  'chaos: replicas die and the API fails, nothing is lost or doubled',
  { skip: alertmanagerMissing() },
  () => {
    let dir: string;
    let cluster: ClusterProcess;
    let proxy: RoundRobinProxy;
    let alertmanager: RunningAlertmanager;
    const replicas = new Map<string, DispatcherProcess>();
    const ports = new Map<string, number>();
    let credentialsFile: string;
    let stopWatching: () => Promise<void> = () => Promise.resolve();

    const startReplica = async (identity: string): Promise<DispatcherProcess> => {
      const port = ports.get(identity) ?? (await freePort());
      ports.set(identity, port);
      const replica = await startDispatcherProcess({
        identity,
        port,
        kubeconfig: cluster.kubeconfigPath,
        env: {
          KUBERNAUT_CREDENTIALS_FILE: credentialsFile,
          KUBERNAUT_LEASE_DURATION_SECONDS: String(LEASE_SECONDS),
          KUBERNAUT_LEASE_RENEW_SECONDS: '1',
          SHUTDOWN_TIMEOUT_MS: '20000',
        },
      });
      replicas.set(identity, replica);
      return replica;
    };

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'kubernaut-chaos-'));
      cluster = await startClusterProcess(join(dir, 'cluster'), {
        catalog: { [DIGEST]: ['/bin/sh', '-c', 'echo "{}"'] },
        faults: {
          seed: 9,
          watchCutSeconds: 3,
          errors: [
            { verb: 'create', code: 500, rate: 0.1 },
            { verb: 'update', code: 500, rate: 0.1 },
            { verb: 'patch', code: 429, rate: 0.1 },
            { verb: 'get', code: 500, rate: 0.1 },
            { verb: 'list', code: 500, rate: 0.1 },
          ],
        },
      });
      credentialsFile = await writeAlertmanagerCredentials(dir, TOKEN);
      const api = cluster.kc.makeApiClient(CustomObjectsApi);
      await retryOnError(() =>
        api.createNamespacedCustomObject({
          ...GROUP,
          plural: 'remediationtemplates',
          body: {
            apiVersion: 'kubernaut.ai/v1alpha1',
            kind: 'RemediationTemplate',
            metadata: { name: 'chaos', namespace: 'default' },
            spec: {
              match: ['alertname="ChaosTest"'],
              workflowType: 'chaos',
              target: '{{ labels.namespace }}/Deployment/{{ labels.deployment }}',
              steps: [
                {
                  name: 'act',
                  actionType: 'test/exit',
                  image: `registry.local/test/exit@${DIGEST}`,
                  inputs: { deployment: '{{ labels.deployment }}' },
                },
              ],
              guardrails: { maxActivePerTarget: 1, cooldown: '10m', maxNewRunsPerMinute: 1000 },
            },
          },
        }),
      );
      for (const identity of ['r1', 'r2', 'r3']) await startReplica(identity);
      proxy = await startRoundRobinProxy([...ports.values()]);
      alertmanager = await startAlertmanager({
        webhookUrl: `http://127.0.0.1:${String(proxy.port)}/api/v1/webhooks/alertmanager`,
        token: TOKEN,
        repeatInterval: '1h',
      });
    });

    after(async () => {
      await stopWatching();
      await alertmanager.close();
      await Promise.all([...replicas.values()].map((replica) => replica.kill('SIGKILL')));
      await proxy.close();
      await cluster.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('accounts for every alert, ends every run, and creates one Job per step attempt', async () => {
      const startsAt = new Date().toISOString();
      const alerts = Array.from({ length: TARGETS * ALERTS_PER_TARGET }, (_, index) => {
        const target = index % TARGETS;
        return {
          labels: {
            alertname: 'ChaosTest',
            namespace: 'default',
            deployment: `app-${String(target)}`,
            instance: `app-${String(target)}-${String(Math.floor(index / TARGETS))}`,
          },
          annotations: { summary: 'chaos' },
          // One firing episode per target: its alerts fold into one run, on any replica.
          startsAt,
        };
      });
      const finished = allRunsFinal(cluster, TARGETS);
      stopWatching = finished.stop;
      for (let index = 0; index < alerts.length; index += 100)
        await alertmanager.postAlerts(alerts.slice(index, index + 100));

      // A replica dies hard mid-stream, and comes back.
      const killed = replicas.get('r1');
      assert.ok(killed);
      // Once it has taken a share of the notifications.
      await killed.waitForLog((line) => line.msg === 'run created for an alert');
      const killedAt = Date.now();
      await killed.kill('SIGKILL');
      const survivors = ['r2', 'r3'].map((identity) => {
        const replica = replicas.get(identity);
        assert.ok(replica);
        return replica;
      });
      const takeovers = await Promise.all(
        survivors.map((replica) =>
          replica.waitForLog(
            (line) =>
              line.msg.startsWith('replica membership changed') &&
              line.time > killedAt &&
              Array.isArray(line.members) &&
              !line.members.includes('r1'),
          ),
        ),
      );
      for (const line of takeovers) {
        assert.ok(line);
        assert.ok(
          line.time - killedAt <= (LEASE_SECONDS + 2) * 1000,
          `takeover after ${String(line.time - killedAt)} ms`,
        );
      }
      await startReplica('r1');

      // Another one is stopped as Kubernetes stops a pod: it finishes and leaves cleanly.
      const stopped = replicas.get('r2');
      assert.ok(stopped);
      assert.equal(await stopped.kill('SIGTERM'), 0, 'a graceful stop exits 0');
      replicas.delete('r2');

      const runs = await finished.done;
      assert.equal(runs.length, TARGETS, 'one run per target, none doubled');
      assert.deepEqual(
        new Set(runs.map((run) => run.spec.target)),
        new Set(
          Array.from({ length: TARGETS }, (_, index) => `default/Deployment/app-${String(index)}`),
        ),
      );
      const phases = new Map<string, number>();
      for (const run of runs)
        phases.set(run.status?.phase ?? '', (phases.get(run.status?.phase ?? '') ?? 0) + 1);
      assert.deepEqual(Object.fromEntries(phases), { Succeeded: TARGETS });
      const metrics = await cluster.metrics();
      const jobCreates =
        /apiserver_request_total\{code="201",resource="jobs",verb="CREATE"\} (\d+)/.exec(metrics);
      assert.equal(
        Number(jobCreates?.[1]),
        TARGETS,
        'exactly one Job was ever created per attempt',
      );
    });
  },
);
