import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  deploymentOf,
  startActionCluster,
  type ActionCluster,
} from '../../fixtures/action-cluster.ts';
import { assertBadInput, assertFailed } from '../../fixtures/run-action-process.ts';

const namespace = 'default';

describe('kubernetes/patch_resource', () => {
  let t: ActionCluster;
  before(async () => {
    t = await startActionCluster('kubernetes/patch_resource');
    await t.apps.createNamespacedDeployment({ namespace, body: deploymentOf('web', 2) });
    await t.cluster.core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'flags' }, data: { cache: 'on', debug: 'off' } },
    });
  });
  after(() => t.close());

  it('merge-patches a ConfigMap (env)', async () => {
    const result = await t.run('env', {
      namespace,
      kind: 'ConfigMap',
      name: 'flags',
      patch: { data: { cache: 'off', debug: null } },
    });
    assert.equal(result.exitCode, 0, result.stderr);
    const flags = await t.cluster.core.readNamespacedConfigMap({ name: 'flags', namespace });
    assert.deepEqual(flags.data, { cache: 'off' });
    assert.deepEqual(result.outputs, {
      kind: 'ConfigMap',
      name: 'flags',
      resourceVersion: flags.metadata?.resourceVersion,
    });
  });

  it('merge-patches a Deployment outside its pod spec (stdin)', async () => {
    const result = await t.run('stdin', {
      namespace,
      kind: 'Deployment',
      name: 'web',
      patch: { metadata: { labels: { tier: 'front' } }, spec: { replicas: 3 } },
    });
    assert.equal(result.exitCode, 0, result.stderr);
    const web = await t.apps.readNamespacedDeployment({ name: 'web', namespace });
    assert.equal(web.spec?.replicas, 3);
    assert.equal(web.metadata?.labels?.tier, 'front');
  });

  it('exits 2 on a kind off the allowlist or a forbidden path, 1 on an unknown object, changing nothing', async () => {
    const before = await t.apps.readNamespacedDeployment({ name: 'web', namespace });
    assertBadInput(
      await t.run('env', { namespace, kind: 'Secret', name: 'token', patch: { data: {} } }),
      /inputs\.kind: must be one of "Deployment"/,
    );
    assertBadInput(
      await t.run('stdin', {
        namespace,
        kind: 'Deployment',
        name: 'web',
        patch: {
          metadata: { ownerReferences: [] },
          spec: { template: { spec: { serviceAccountName: 'admin' } } },
        },
      }),
      /inputs\.patch: may not set metadata\.ownerReferences, spec\.template\.spec/,
    );
    assertFailed(
      await t.run('env', {
        namespace,
        kind: 'HorizontalPodAutoscaler',
        name: 'nope',
        patch: { spec: { maxReplicas: 3 } },
      }),
      /^NotFound: horizontalpodautoscaler default\/nope not found/,
    );
    const after = await t.apps.readNamespacedDeployment({ name: 'web', namespace });
    assert.equal(after.metadata?.resourceVersion, before.metadata?.resourceVersion);
  });
});
