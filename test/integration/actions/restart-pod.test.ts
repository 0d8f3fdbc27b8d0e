import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import {
  deploymentOf,
  DEPLOYMENTS,
  rolledOut,
  startActionCluster,
  type ActionCluster,
} from '../../fixtures/action-cluster.ts';
import { assertBadInput, assertFailed } from '../../fixtures/run-action-process.ts';
import { waitForDeletion, waitForObject } from '../../fixtures/wait-for-object.ts';

const namespace = 'default';

describe('kubernetes/restart_pod', () => {
  let t: ActionCluster;
  const podsOf = async (app: string): Promise<V1Pod[]> =>
    (
      await t.cluster.core.listNamespacedPod({ namespace, labelSelector: `app=${app}` })
    ).items.filter((pod) => !pod.metadata?.deletionTimestamp);
  before(async () => {
    t = await startActionCluster('kubernetes/restart_pod');
    await t.apps.createNamespacedDeployment({ namespace, body: deploymentOf('web') });
    await waitForObject(t.cluster.kc, DEPLOYMENTS, 'web', rolledOut);
  });
  after(() => t.close());

  for (const mode of ['env', 'stdin'] as const) {
    it(`deletes a pod its ReplicaSet replaces (${mode})`, async () => {
      const [pod] = await podsOf('web');
      const name = pod?.metadata?.name ?? '';
      const result = await t.run(mode, { namespace, pod: name, gracePeriodSeconds: 0 });
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(result.outputs?.uid, pod?.metadata?.uid);
      assert.match(String(result.outputs?.owner), /^ReplicaSet\/web-/);
      await waitForDeletion(
        t.cluster.kc,
        { apiVersion: 'v1', kind: 'Pod', namespace, name },
        `/api/v1/namespaces/${namespace}/pods`,
      );
      await waitForObject(t.cluster.kc, DEPLOYMENTS, 'web', rolledOut);
      const replacements = await podsOf('web');
      assert.equal(replacements.length, 1);
      assert.notEqual(replacements[0]?.metadata?.uid, pod?.metadata?.uid);
    });
  }

  it('refuses a pod no controller would recreate unless allowed; 2 on a bad grace period; 1 on an unknown pod', async () => {
    await t.cluster.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'loner', labels: { app: 'loner' } },
        spec: { containers: [{ name: 'app', image: 'registry.local/loner:1' }] },
      },
    });
    assertFailed(
      await t.run('env', { namespace, pod: 'loner' }),
      /^Refused: pod default\/loner has no controller to recreate it/,
    );
    assert.equal((await podsOf('loner')).length, 1);
    assertBadInput(
      await t.run('stdin', { namespace, pod: 'loner', gracePeriodSeconds: -5 }),
      /inputs\.gracePeriodSeconds: must be 0 or more/,
    );
    assertFailed(
      await t.run('env', { namespace, pod: 'nope' }),
      /^NotFound: pod default\/nope not found/,
    );
    const allowed = await t.run('stdin', {
      namespace,
      pod: 'loner',
      allowUnowned: true,
      gracePeriodSeconds: 0,
    });
    assert.equal(allowed.exitCode, 0, allowed.stderr);
    assert.equal(allowed.outputs?.owner, '');
  });
});
