import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AutoscalingV2Api } from '@kubernetes/client-node';
import { startActionCluster, type ActionCluster } from '../../fixtures/action-cluster.ts';
import { assertBadInput, assertFailed } from '../../fixtures/run-action-process.ts';

const namespace = 'default';

describe('kubernetes/update_hpa', () => {
  let t: ActionCluster;
  let autoscaling: AutoscalingV2Api;
  const bounds = async () => {
    const hpa = await autoscaling.readNamespacedHorizontalPodAutoscaler({ name: 'web', namespace });
    return [hpa.spec.minReplicas, hpa.spec.maxReplicas];
  };
  before(async () => {
    t = await startActionCluster('kubernetes/update_hpa');
    autoscaling = t.cluster.kc.makeApiClient(AutoscalingV2Api);
    await autoscaling.createNamespacedHorizontalPodAutoscaler({
      namespace,
      body: {
        metadata: { name: 'web' },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
          minReplicas: 2,
          maxReplicas: 5,
        },
      },
    });
  });
  after(() => t.close());

  it('raises the maximum by an increment (env)', async () => {
    const result = await t.run('env', {
      namespace,
      hpa: 'web',
      maxReplicasIncrease: 3,
      ceiling: 10,
    });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(result.outputs, {
      previousMinReplicas: 2,
      previousMaxReplicas: 5,
      minReplicas: 2,
      maxReplicas: 8,
      capped: false,
    });
    assert.deepEqual(await bounds(), [2, 8]);
  });

  it('sets min and max, the max cut at the ceiling (stdin)', async () => {
    const result = await t.run('stdin', {
      namespace,
      hpa: 'web',
      minReplicas: 3,
      maxReplicas: 30,
      ceiling: 12,
    });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.outputs?.capped, true);
    assert.deepEqual(await bounds(), [3, 12]);
  });

  it('refuses to raise past the ceiling (1), min above max or nothing to do (2), an unknown HPA (1)', async () => {
    assertFailed(
      await t.run('env', { namespace, hpa: 'web', maxReplicasIncrease: 2, ceiling: 12 }),
      /^Refused: maxReplicas is 12 already/,
    );
    assertBadInput(
      await t.run('stdin', { namespace, hpa: 'web', minReplicas: 20 }),
      /inputs\.minReplicas: 20 is above maxReplicas 12/,
    );
    assertBadInput(
      await t.run('env', { namespace, hpa: 'web' }),
      /inputs\.maxReplicas: nothing to change/,
    );
    assertFailed(
      await t.run('stdin', { namespace, hpa: 'nope', maxReplicas: 4 }),
      /^NotFound: horizontalpodautoscaler default\/nope not found/,
    );
    assert.deepEqual(await bounds(), [3, 12]);
  });
});
