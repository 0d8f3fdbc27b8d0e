import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { V1Deployment, V1ReplicaSet } from '@kubernetes/client-node';
import {
  deploymentOf,
  DEPLOYMENTS,
  rolledOut,
  startActionCluster,
  templateOf,
  type ActionCluster,
} from '../../fixtures/action-cluster.ts';
import { assertBadInput, assertFailed } from '../../fixtures/run-action-process.ts';
import { waitForObject } from '../../fixtures/wait-for-object.ts';

const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
const namespace = 'default';

describe('kubernetes/rollout_restart', () => {
  let t: ActionCluster;
  before(async () => {
    t = await startActionCluster('kubernetes/rollout_restart');
    await t.apps.createNamespacedDeployment({ namespace, body: deploymentOf('web') });
    await waitForObject(t.cluster.kc, DEPLOYMENTS, 'web', rolledOut);
    await t.apps.createNamespacedStatefulSet({
      namespace,
      body: {
        metadata: { name: 'db' },
        spec: {
          serviceName: 'db',
          selector: { matchLabels: { app: 'db' } },
          template: templateOf('db'),
        },
      },
    });
    await t.apps.createNamespacedDaemonSet({
      namespace,
      body: {
        metadata: { name: 'agent' },
        spec: { selector: { matchLabels: { app: 'agent' } }, template: templateOf('agent') },
      },
    });
  });
  after(() => t.close());

  it('restarts a Deployment by name (env): the annotation on the template, a new ReplicaSet rolled out', async () => {
    const result = await t.run('env', { namespace, name: 'web' });
    assert.equal(result.exitCode, 0, result.stderr);
    const restartedAt = String(result.outputs?.restartedAt);
    assert.match(restartedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(result.outputs, { kind: 'Deployment', name: 'web', restartedAt });
    const deployment = await waitForObject<V1Deployment>(
      t.cluster.kc,
      DEPLOYMENTS,
      'web',
      rolledOut,
    );
    assert.equal(deployment.spec?.template.metadata?.annotations?.[RESTARTED_AT], restartedAt);
    assert.equal(deployment.metadata?.annotations?.['deployment.kubernetes.io/revision'], '2');
    const replicaSets = (
      await t.apps.listNamespacedReplicaSet({ namespace, labelSelector: 'app=web' })
    ).items;
    const current = replicaSets.find((rs: V1ReplicaSet) => rs.spec?.replicas === 1);
    assert.equal(current?.spec?.template?.metadata?.annotations?.[RESTARTED_AT], restartedAt);
  });

  it('restarts the Deployment that owns a pod (stdin)', async () => {
    const pods = await t.cluster.core.listNamespacedPod({ namespace, labelSelector: 'app=web' });
    const pod = pods.items[0]?.metadata?.name ?? '';
    const result = await t.run('stdin', { namespace, pod });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.outputs?.kind, 'Deployment');
    assert.equal(result.outputs?.name, 'web');
  });

  for (const [mode, kind, name] of [
    ['env', 'StatefulSet', 'db'],
    ['stdin', 'DaemonSet', 'agent'],
  ] as const) {
    it(`restarts a ${kind} (${mode})`, async () => {
      const result = await t.run(mode, { namespace, kind, name });
      assert.equal(result.exitCode, 0, result.stderr);
      const workload =
        kind === 'StatefulSet'
          ? await t.apps.readNamespacedStatefulSet({ name, namespace })
          : await t.apps.readNamespacedDaemonSet({ name, namespace });
      assert.equal(
        workload.spec?.template.metadata?.annotations?.[RESTARTED_AT],
        result.outputs?.restartedAt,
      );
    });
  }

  it('exits 2 on a bad kind, on neither name nor pod, and on both, changing nothing', async () => {
    const before = await t.apps.readNamespacedDeployment({ name: 'web', namespace });
    assertBadInput(
      await t.run('env', { namespace, kind: 'Pod', name: 'web' }),
      /inputs\.kind: must be one of "Deployment", "StatefulSet", "DaemonSet"/,
    );
    assertBadInput(
      await t.run('stdin', { namespace }),
      /inputs\.name: required unless pod is given/,
    );
    assertBadInput(
      await t.run('env', { namespace, name: 'web', pod: 'web-1' }),
      /inputs\.pod: give either name or pod, not both/,
    );
    const after = await t.apps.readNamespacedDeployment({ name: 'web', namespace });
    assert.equal(after.metadata?.resourceVersion, before.metadata?.resourceVersion);
  });

  it('exits 1 on an unknown workload and on a pod no workload owns', async () => {
    assertFailed(
      await t.run('env', { namespace, name: 'missing' }),
      /^NotFound: deployment default\/missing not found/,
    );
    await t.cluster.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'loner' },
        spec: { containers: [{ name: 'app', image: 'registry.local/loner:1' }] },
      },
    });
    assertFailed(
      await t.run('stdin', { namespace, pod: 'loner' }),
      /^Refused: pod default\/loner is not run by a Deployment, StatefulSet or DaemonSet \(it has no controller\)/,
    );
  });
});
