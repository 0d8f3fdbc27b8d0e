/**
 * The RBAC shipped in manifests/ covers every API call the dispatcher makes, and grants
 * nothing it never uses. The dispatcher's parts run as main.ts wires them (membership Leases,
 * the engine with the routing watch and the Tekton backend, the alert intake, the on-demand
 * run store) on the embedded cluster, behind a recording proxy that sees only their requests.
 * A representative scenario: alerts (with an owner chain and a repeat), a run with a
 * workspace that succeeds with outputs read from its log, one whose image cannot be pulled,
 * one that times out, an on-demand Tekton run cancelled through the API, Lease renewal after a
 * restart and a graceful release. Each recorded request must be allowed by the ServiceAccount's
 * rules in the rendered with-tekton overlay; each granted verb must have been used, or be
 * listed below with the reason no request shows it. Needs kubectl (to render the overlay).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AppsV1Api,
  CoordinationV1Api,
  CustomObjectsApi,
  KubeConfig,
  V1MicroTime,
} from '@kubernetes/client-node';
import { parseWebhookPayload } from '../../../src/alerts/webhook-payload.ts';
import {
  TERMINAL_RUN_PHASES,
  type WorkflowExecution,
} from '../../../src/api/workflow-execution.ts';
import { Engine } from '../../../src/engine/engine.ts';
import {
  MEMBERSHIP_LABEL,
  MEMBERSHIP_VALUE,
} from '../../../src/engine/membership/lease-membership.ts';
import {
  startMembership,
  type Membership,
} from '../../../src/engine/membership/start-membership.ts';
import {
  startAlertIntake,
  type RunningAlertIntake,
} from '../../../src/intake/start-alert-intake.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { createMetrics } from '../../../src/observability/metrics.ts';
import { RunStore } from '../../../src/ondemand/run-store.ts';
import { webhookBody } from '../../fixtures/alert-templates.ts';
import { kubectlMissing } from '../../fixtures/kubectl.ts';
import { renderOverlay } from '../../fixtures/kustomize.ts';
import {
  grantsOf,
  isAllowed,
  rulesOfServiceAccount,
  ruleMatches,
} from '../../fixtures/rbac-authorizer.ts';
import { startRecordingProxy, type RecordingProxy } from '../../fixtures/recording-proxy.ts';
import { describeRequest, type ResourceRequest } from '../../fixtures/request-attributes.ts';
import { waitForObject } from '../../fixtures/wait-for-object.ts';
import {
  scriptImage,
  startTestLocalCluster,
  type TestLocalCluster,
} from '../../integration/cluster/start-local-cluster.ts';

const SYSTEM = 'kubernaut-system';
const RUNS = '/apis/kubernaut.ai/v1alpha1/namespaces/default/workflowexecutions';
const DISPATCHER = { namespace: SYSTEM, name: 'kubernaut-dispatcher' };

/** Granted, but no request of the dispatcher shows them; each with the reason. */
const GRANTED_WITHOUT_REQUEST: Record<string, string> = {
  'update kubernaut.ai/workflowexecutions/finalizers':
    'checked by the OwnerReferencesPermissionEnforcement admission plugin when a child with blockOwnerDeletion is created; the dispatcher sends no such request',
  'update kubernaut.ai/actionexecutions/finalizers':
    'the same, for the Jobs an ActionExecution owns',
  'get kubernaut.ai/actionexecutions':
    "the UI's run page (src/ui/read-run-artifacts.ts) reads one attempt; the UI is not part of this scenario",
  'get tekton.dev/taskruns': "the UI's run page reads one TaskRun, likewise",
  'delete core/persistentvolumeclaims':
    'KNOWN BUG (reported): the run status never records status.workspace, so the planner does not delete the claim when the run ends; it goes with the run (owner reference). Drop this line once fixed: the test then fails until it is.',
};

const forever = 'setInterval(() => undefined, 1000)';

describe(
  'RBAC covers every API call of the dispatcher, and only those',
  { skip: kubectlMissing() },
  () => {
    let cluster: TestLocalCluster;
    let proxy: RecordingProxy;
    let membership: Membership | undefined;
    let engine: Engine | undefined;
    let intake: RunningAlertIntake | undefined;
    let admin: CustomObjectsApi;

    const finished = (name: string) =>
      waitForObject<WorkflowExecution>(
        cluster.kc,
        RUNS,
        name,
        (run) => run.status?.phase !== undefined && TERMINAL_RUN_PHASES.has(run.status.phase),
        30_000,
      );
    const template = (name: string, alertname: string, step: Record<string, unknown>) =>
      admin.createNamespacedCustomObject({
        group: 'kubernaut.ai',
        version: 'v1alpha1',
        namespace: 'default',
        plural: 'remediationtemplates',
        body: {
          apiVersion: 'kubernaut.ai/v1alpha1',
          kind: 'RemediationTemplate',
          metadata: { name, namespace: 'default' },
          spec: {
            match: [`alertname="${alertname}"`],
            workflowType: name,
            steps: [{ name: 'fix', actionType: 'test/fix', inputs: {}, ...step }],
            guardrails: { maxNewRunsPerMinute: 100 },
          },
        },
      });

    before(async () => {
      cluster = await startTestLocalCluster();
      admin = cluster.kc.makeApiClient(CustomObjectsApi);
      const logger = createLogger('silent');
      const metrics = createMetrics({ defaultMetrics: false });
      await cluster.core.createNamespace({ body: { metadata: { name: SYSTEM } } });
      await cluster.core.createNamespacedConfigMap({
        namespace: SYSTEM,
        body: { metadata: { name: 'kubernaut-routing' }, data: { mode: 'jobs' } },
      });
      // A Lease of this replica's name left by its previous pod: the restart path.
      await cluster.kc.makeApiClient(CoordinationV1Api).createNamespacedLease({
        namespace: SYSTEM,
        body: {
          metadata: {
            name: 'kubernaut-dispatcher-rbac-0',
            labels: { [MEMBERSHIP_LABEL]: MEMBERSHIP_VALUE },
          },
          spec: { holderIdentity: 'rbac-0', leaseDurationSeconds: 2, renewTime: new V1MicroTime() },
        },
      });
      await template('ok', 'RbacOk', {
        image: scriptImage(
          cluster.catalog,
          'rbac-ok',
          'console.log(JSON.stringify({ fixed: true }))',
        ),
        usesWorkspace: true,
      });
      await template('unpullable', 'RbacPod', {
        image: `registry.local/missing/image@sha256:${'e'.repeat(64)}`,
      });
      await cluster.kc.makeApiClient(AppsV1Api).createNamespacedReplicaSet({
        namespace: 'default',
        body: {
          metadata: { name: 'web-abc' },
          spec: {
            replicas: 0,
            selector: { matchLabels: { app: 'web' } },
            template: {
              metadata: { labels: { app: 'web' } },
              spec: { containers: [{ name: 'web', image: 'registry.local/web:1' }] },
            },
          },
        },
      });

      proxy = await startRecordingProxy({ url: cluster.server.url, caData: cluster.server.caData });
      // Plain HTTP to the proxy on loopback (client-node asks skipTLSVerify for http URLs).
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: 'proxy', server: proxy.url, skipTLSVerify: true }],
        users: [{ name: 'dispatcher', token: cluster.server.token }],
        contexts: [{ name: 'proxy', cluster: 'proxy', user: 'dispatcher' }],
        currentContext: 'proxy',
      });
      membership = await startMembership(
        kc,
        {
          mode: 'leases',
          identity: 'rbac-0',
          namespace: SYSTEM,
          leaseDurationSeconds: 2,
          renewSeconds: 0.5,
        },
        logger,
      );
      engine = new Engine({
        kc,
        logger,
        metrics,
        assignment: membership.assignment,
        routingNamespace: SYSTEM,
      });
      await engine.start();
      intake = startAlertIntake({ kc, logger, metrics, paused: () => false });
      await intake.synced;

      // Alerts: one on a ReplicaSet, one on a pod (owner chain reads), sent twice (a repeat).
      const payload = parseWebhookPayload(
        webhookBody([
          { labels: { alertname: 'RbacOk', namespace: 'default', replicaset: 'web-abc' } },
          { labels: { alertname: 'RbacPod', namespace: 'default', pod: 'lonely' } },
        ]),
        new Date(),
      );
      assert.ok(payload.ok, JSON.stringify(payload));
      const first = await intake.intake.process(payload.payload);
      await intake.intake.process(payload.payload);
      const names = first.alerts.flatMap((alert) => (alert.run ? [alert.run] : []));
      assert.equal(names.length, 2, JSON.stringify(first));

      // On-demand: a template read, a Jobs run that times out, a Tekton run cancelled.
      const store = new RunStore(kc);
      await store.getTemplate('default', 'ok');
      const run = (
        name: string,
        step: Record<string, unknown>,
        annotations = {},
      ): WorkflowExecution =>
        ({
          apiVersion: 'kubernaut.ai/v1alpha1',
          kind: 'WorkflowExecution',
          metadata: { name, namespace: 'default', annotations },
          spec: {
            workflowType: 'rbac',
            steps: [{ name: 'wait', actionType: 'test/wait', inputs: {}, ...step }],
          },
        }) as WorkflowExecution;
      await store.createRun(
        run('rbac-timeout', {
          image: scriptImage(cluster.catalog, 'rbac-forever', forever),
          timeout: '1s',
        }),
      );
      const tekton = await store.createRun(
        run(
          'rbac-tekton',
          { image: scriptImage(cluster.catalog, 'rbac-tekton', forever) },
          {
            'kubernaut.ai/backend': 'tekton',
          },
        ),
      );
      assert.ok(tekton);
      await proxy.waitFor(
        (request) =>
          request.kind === 'resource' &&
          request.verb === 'create' &&
          request.resource === 'pipelineruns',
      );
      // As the API's cancel does: re-read and retry while the engine's status writes race it.
      let cancelled: Awaited<ReturnType<RunStore['patchRunSpec']>> = 'conflict';
      for (let attempt = 0; attempt < 10 && cancelled === 'conflict'; attempt++) {
        cancelled = await store.patchRunSpec(await store.getRun('default', 'rbac-tekton'), {
          cancel: true,
        });
      }
      assert.notEqual(cancelled, 'conflict');
      await store.listRuns({ limit: 10 });
      await store.listRuns({ namespace: 'default', limit: 10 });

      const phases: Record<string, string | undefined> = {};
      for (const name of [...names, 'rbac-timeout', 'rbac-tekton']) {
        phases[name] = (await finished(name)).status?.phase;
      }
      assert.deepEqual(
        Object.values(phases).sort(),
        ['Cancelled', 'Failed', 'Failed', 'Succeeded'],
        JSON.stringify(phases),
      );
      await store.listRunEvents(await store.getRun('default', 'rbac-tekton'));

      await proxy.waitFor(
        (request) =>
          request.kind === 'resource' && request.verb === 'update' && request.resource === 'leases',
      );
      await engine.idle();
      await intake.idle();
      await membership.release();
    });

    after(async () => {
      await membership?.release();
      await intake?.stop();
      await engine?.stop();
      await proxy.close();
      await cluster.close();
    });

    const used = (): ResourceRequest[] =>
      proxy.requests.flatMap((request) => (request.kind === 'resource' ? [request] : []));

    it('allows every request the dispatcher sent', async () => {
      const rules = rulesOfServiceAccount((await renderOverlay('with-tekton')).objects, DISPATCHER);
      const denied = used().filter((request) => !isAllowed(rules, request));
      assert.deepEqual([...new Set(denied.map(describeRequest))], []);
      // Non-resource requests are discovery only, which system:discovery allows everyone.
      const other = proxy.requests.filter((request) => request.kind === 'non-resource');
      for (const request of other) assert.match(request.path, /^\/(api|apis)(\/|$)/);
    });

    it('uses every verb granted, bar the listed exceptions', async () => {
      const rules = rulesOfServiceAccount((await renderOverlay('with-tekton')).objects, DISPATCHER);
      const requests = used();
      const unused = grantsOf(rules)
        .filter(({ scoped }) => !requests.some((request) => ruleMatches(scoped, request)))
        .map(({ key }) => key);
      assert.deepEqual([...new Set(unused)].sort(), Object.keys(GRANTED_WITHOUT_REQUEST).sort());
    });

    it('jobs-only grants nothing of Tekton, so only the Tekton run needed more', async () => {
      const rules = rulesOfServiceAccount((await renderOverlay('jobs-only')).objects, DISPATCHER);
      const denied = new Set(
        used()
          .filter((request) => !isAllowed(rules, request))
          .map((request) => request.group),
      );
      assert.deepEqual([...denied], ['tekton.dev']);
    });

    it('the namespaced Role reaches the dispatcher namespace only', async () => {
      const rules = rulesOfServiceAccount((await renderOverlay('jobs-only')).objects, DISPATCHER);
      const lease = used().find((request) => request.resource === 'leases');
      assert.ok(lease && lease.namespace === SYSTEM);
      assert.equal(isAllowed(rules, { ...lease, namespace: 'default' }), false);
      assert.equal(
        isAllowed(rules, { ...lease, verb: 'list', resource: 'secrets', name: '' }),
        false,
      );
    });
  },
);
