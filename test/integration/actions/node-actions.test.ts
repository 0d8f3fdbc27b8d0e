// The node actions as real processes against the local cluster: cordon, uncordon, taint,
// untaint and drain (evictions through the Eviction API, PodDisruptionBudgets honoured,
// DaemonSet pods left in place), in both input modes, with bad inputs changing nothing.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api, PolicyV1Api, type V1Deployment, type V1Pod } from '@kubernetes/client-node';
import { startTestLocalCluster, type TestLocalCluster } from '../cluster/start-local-cluster.ts';
import {
  assertBadInput,
  assertFailed,
  runActionProcess,
  type InputMode,
} from '../../fixtures/run-action-process.ts';
import { waitForObject } from '../../fixtures/wait-for-object.ts';

const NODES = ['local-node-1', 'local-node-2', 'local-node-3'];

function pinnedDeployment(name: string, replicas: number, node: string): V1Deployment {
  const labels = { app: name };
  return {
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          nodeSelector: { 'kubernetes.io/hostname': node },
          containers: [{ name: 'app', image: 'registry.local/web:1' }],
        },
      },
    },
  };
}

describe('node actions', () => {
  let cluster: TestLocalCluster;
  const run = (type: string, mode: InputMode, inputs: unknown) =>
    runActionProcess(type, { server: cluster.server, token: 'test-token', mode, inputs });
  const readNode = (name: string) => cluster.core.readNode({ name });
  const podsOn = async (node: string): Promise<V1Pod[]> =>
    (await cluster.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` })).items;
  /** The pods of a Deployment once its status shows `ready` of them ready (a watch, no polling). */
  const podsOf = async (app: string, ready: number, replicas = ready): Promise<V1Pod[]> => {
    await waitForObject(
      cluster.kc,
      '/apis/apps/v1/namespaces/default/deployments',
      app,
      (d: V1Deployment) =>
        (d.status?.readyReplicas ?? 0) === ready && (d.status?.replicas ?? 0) === replicas,
    );
    const pods = await cluster.core.listNamespacedPod({
      namespace: 'default',
      labelSelector: `app=${app}`,
    });
    return pods.items;
  };

  before(async () => {
    cluster = await startTestLocalCluster({ nodes: NODES });
  });
  after(() => cluster.close());

  describe('kubernetes/cordon_node and kubernetes/uncordon_node', () => {
    it('cordons (env), is idempotent (stdin), and uncordons', async () => {
      const first = await run('kubernetes/cordon_node', 'env', { node: 'local-node-3' });
      assert.equal(first.exitCode, 0, first.stderr);
      assert.deepEqual(first.outputs, { node: 'local-node-3', unschedulable: true, changed: true });
      assert.equal((await readNode('local-node-3')).spec?.unschedulable, true);

      const again = await run('kubernetes/cordon_node', 'stdin', { node: 'local-node-3' });
      assert.deepEqual(again.outputs, {
        node: 'local-node-3',
        unschedulable: true,
        changed: false,
      });

      const back = await run('kubernetes/uncordon_node', 'stdin', { node: 'local-node-3' });
      assert.equal(back.exitCode, 0, back.stderr);
      assert.deepEqual(back.outputs, { node: 'local-node-3', unschedulable: false, changed: true });
      assert.equal((await readNode('local-node-3')).spec?.unschedulable, undefined);
    });

    it('exits 2 on a missing or mistyped node, 1 on an unknown one, and changes nothing', async () => {
      assertBadInput(await run('kubernetes/cordon_node', 'env', {}), /inputs\.node: required/);
      assertBadInput(
        await run('kubernetes/uncordon_node', 'stdin', { node: 3 }),
        /inputs\.node: must be a string/,
      );
      assertFailed(
        await run('kubernetes/cordon_node', 'env', { node: 'no-such-node' }),
        /^NotFound: node no-such-node not found/,
      );
      assert.equal((await readNode('local-node-3')).spec?.unschedulable, undefined);
    });
  });

  describe('kubernetes/taint_node and kubernetes/untaint_node', () => {
    const taint = { node: 'local-node-3', key: 'kubernaut.ai/remediation', effect: 'NoSchedule' };

    it('adds a taint (env), keeps it on a repeat (stdin), refuses a conflicting value, removes it', async () => {
      const added = await run('kubernetes/taint_node', 'env', { ...taint, value: 'drain' });
      assert.equal(added.exitCode, 0, added.stderr);
      assert.deepEqual(added.outputs, {
        node: 'local-node-3',
        taints: ['kubernaut.ai/remediation=drain:NoSchedule'],
        changed: true,
      });
      assert.deepEqual(
        (await readNode('local-node-3')).spec?.taints?.map((t) => ({ ...t })),
        [{ key: 'kubernaut.ai/remediation', value: 'drain', effect: 'NoSchedule' }],
      );

      const repeat = await run('kubernetes/taint_node', 'stdin', { ...taint, value: 'drain' });
      assert.equal(repeat.outputs?.['changed'], false);

      assertFailed(
        await run('kubernetes/taint_node', 'env', { ...taint, value: 'other', overwrite: false }),
        /^Refused: the node already has taint kubernaut\.ai\/remediation=drain:NoSchedule/,
      );
      const extra = await run('kubernetes/taint_node', 'env', { ...taint, effect: 'NoExecute' });
      assert.equal(extra.exitCode, 0, extra.stderr);

      const removed = await run('kubernetes/untaint_node', 'stdin', {
        node: 'local-node-3',
        key: 'kubernaut.ai/remediation',
        effect: 'NoSchedule',
      });
      assert.equal(removed.exitCode, 0, removed.stderr);
      assert.deepEqual(removed.outputs, {
        node: 'local-node-3',
        removed: 1,
        taints: ['kubernaut.ai/remediation:NoExecute'],
        changed: true,
      });
      const all = await run('kubernetes/untaint_node', 'env', {
        node: 'local-node-3',
        key: 'kubernaut.ai/remediation',
      });
      assert.deepEqual(all.outputs, {
        node: 'local-node-3',
        removed: 1,
        taints: [],
        changed: true,
      });
      assert.equal((await readNode('local-node-3')).spec?.taints, undefined);
    });

    it('exits 2 on a bad effect or key and changes nothing', async () => {
      assertBadInput(
        await run('kubernetes/taint_node', 'env', { ...taint, effect: 'Sometimes' }),
        /inputs\.effect/,
      );
      assertBadInput(
        await run('kubernetes/untaint_node', 'stdin', { node: 'local-node-3', key: 'bad key!' }),
        /inputs\.key: "bad key!" does not match/,
      );
      assert.equal((await readNode('local-node-3')).spec?.taints, undefined);
    });
  });

  describe('kubernetes/drain_node', () => {
    const apps = () => cluster.kc.makeApiClient(AppsV1Api);
    const policy = () => cluster.kc.makeApiClient(PolicyV1Api);

    it('refuses up front, cordoning nothing, when a pod has no controller', async () => {
      await cluster.core.createNamespacedPod({
        namespace: 'default',
        body: {
          metadata: { name: 'bare' },
          spec: {
            nodeName: 'local-node-2',
            containers: [{ name: 'c', image: 'registry.local/x:1' }],
          },
        },
      });
      const result = await run('kubernetes/drain_node', 'env', { node: 'local-node-2' });
      assertFailed(
        result,
        /^Refused: pods without a controller would be lost for good: default\/bare/,
      );
      assert.equal((await readNode('local-node-2')).spec?.unschedulable, undefined);
      assert.equal((await podsOn('local-node-2')).length, 1);
    });

    it('evicts what the budgets allow, keeps the rest and DaemonSet pods, then finishes when allowed', async () => {
      await apps().createNamespacedDeployment({
        namespace: 'default',
        body: pinnedDeployment('web', 2, 'local-node-1'),
      });
      await apps().createNamespacedDeployment({
        namespace: 'default',
        body: pinnedDeployment('db', 2, 'local-node-1'),
      });
      await policy().createNamespacedPodDisruptionBudget({
        namespace: 'default',
        body: {
          metadata: { name: 'db' },
          spec: { minAvailable: 2, selector: { matchLabels: { app: 'db' } } },
        },
      });
      const ds = await apps().createNamespacedDaemonSet({
        namespace: 'default',
        body: {
          metadata: { name: 'agent' },
          spec: {
            selector: { matchLabels: { app: 'agent' } },
            template: {
              metadata: { labels: { app: 'agent' } },
              spec: { containers: [{ name: 'agent', image: 'registry.local/agent:1' }] },
            },
          },
        },
      });
      await cluster.core.createNamespacedPod({
        namespace: 'default',
        body: {
          metadata: {
            name: 'agent-node-1',
            labels: { app: 'agent' },
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: 'DaemonSet',
                name: 'agent',
                uid: ds.metadata?.uid ?? '',
                controller: true,
              },
            ],
          },
          spec: {
            nodeName: 'local-node-1',
            containers: [{ name: 'agent', image: 'registry.local/agent:1' }],
          },
        },
      });
      const web = await podsOf('web', 2);
      const db = await podsOf('db', 2);
      await waitForObject(
        cluster.kc,
        '/apis/policy/v1/namespaces/default/poddisruptionbudgets',
        'db',
        (pdb: { status?: { currentHealthy?: number } }) => pdb.status?.currentHealthy === 2,
      );

      const blocked = await run('kubernetes/drain_node', 'env', {
        node: 'local-node-1',
        timeoutSeconds: 3,
        retryIntervalSeconds: 1,
      });
      assertFailed(
        blocked,
        /^Timeout: node local-node-1 is cordoned but 2 pod\(s\) were not evicted within 3s: .*The disruption budget db needs 2 healthy pods and has 2 currently/,
      );
      assert.equal((await readNode('local-node-1')).spec?.unschedulable, true);
      const left = (await podsOn('local-node-1')).map((p) => p.metadata?.uid);
      for (const pod of web) assert.ok(!left.includes(pod.metadata?.uid), 'web pods were evicted');
      for (const pod of db) assert.ok(left.includes(pod.metadata?.uid), 'the budget kept db pods');
      // The cordon holds: the web replacements wait for a node that fits.
      const replacements = await podsOf('web', 0, 2);
      assert.deepEqual(
        replacements.map((p) => p.spec?.nodeName),
        [undefined, undefined],
      );

      const pdb = await policy().readNamespacedPodDisruptionBudget({
        namespace: 'default',
        name: 'db',
      });
      pdb.spec = { ...pdb.spec, minAvailable: 0 };
      await policy().replaceNamespacedPodDisruptionBudget({
        namespace: 'default',
        name: 'db',
        body: pdb,
      });

      const done = await run('kubernetes/drain_node', 'stdin', {
        node: 'local-node-1',
        timeoutSeconds: 30,
        retryIntervalSeconds: 1,
      });
      assert.equal(done.exitCode, 0, done.stderr);
      assert.deepEqual(
        done.outputs?.['evicted'],
        db.map((p) => `default/${p.metadata?.name ?? ''}`).sort(),
      );
      assert.deepEqual(done.outputs?.['skipped'], [
        { pod: 'default/agent-node-1', reason: 'managed by DaemonSet agent' },
      ]);
      assert.deepEqual(
        (await podsOn('local-node-1')).map((p) => p.metadata?.name),
        ['agent-node-1'],
      );
    });

    it('exits 2 on a wrong type or a timeout out of range, and changes nothing', async () => {
      assertBadInput(
        await run('kubernetes/drain_node', 'env', { node: 'local-node-3', timeoutSeconds: '5' }),
        /inputs\.timeoutSeconds: must be an integer/,
      );
      assertBadInput(
        await run('kubernetes/drain_node', 'stdin', { node: 'local-node-3', timeoutSeconds: 0 }),
        /inputs\.timeoutSeconds: must be between 1 and 3600/,
      );
      assertFailed(
        await run('kubernetes/drain_node', 'env', { node: 'no-such-node' }),
        /^NotFound: node no-such-node not found/,
      );
      assert.equal((await readNode('local-node-3')).spec?.unschedulable, undefined);
    });
  });
});
