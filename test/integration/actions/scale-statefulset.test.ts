import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  startActionCluster,
  templateOf,
  type ActionCluster,
} from '../../fixtures/action-cluster.ts';
import { assertBadInput, assertFailed } from '../../fixtures/run-action-process.ts';

const namespace = 'default';

describe('kubernetes/scale_statefulset', () => {
  let t: ActionCluster;
  const replicasOf = async () =>
    (await t.apps.readNamespacedStatefulSet({ name: 'db', namespace })).spec?.replicas;
  before(async () => {
    t = await startActionCluster('kubernetes/scale_statefulset');
    await t.apps.createNamespacedStatefulSet({
      namespace,
      body: {
        metadata: { name: 'db' },
        spec: {
          replicas: 1,
          serviceName: 'db',
          selector: { matchLabels: { app: 'db' } },
          template: templateOf('db'),
        },
      },
    });
  });
  after(() => t.close());

  for (const [mode, replicas, previous] of [
    ['env', 3, 1],
    ['stdin', 0, 3],
  ] as const) {
    it(`scales the StatefulSet to ${replicas} (${mode})`, async () => {
      const result = await t.run(mode, { namespace, statefulset: 'db', replicas });
      assert.equal(result.exitCode, 0, result.stderr);
      assert.deepEqual(result.outputs, { previousReplicas: previous, replicas });
      assert.equal(await replicasOf(), replicas);
    });
  }

  it('exits 2 above its ceiling, 1 on an unknown StatefulSet, changing nothing', async () => {
    assertBadInput(
      await t.run('env', { namespace, statefulset: 'db', replicas: 25 }),
      /inputs\.replicas: 25 is above the ceiling maxReplicas=20/,
    );
    assertFailed(
      await t.run('stdin', { namespace, statefulset: 'nope', replicas: 1 }),
      /^NotFound: statefulset default\/nope not found/,
    );
    assert.equal(await replicasOf(), 0);
  });
});
