import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { StorageV1Api, type V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { startActionCluster, type ActionCluster } from '../../fixtures/action-cluster.ts';
import { assertBadInput, assertFailed } from '../../fixtures/run-action-process.ts';
import { waitForObject } from '../../fixtures/wait-for-object.ts';

const namespace = 'default';
const CLAIMS = `/api/v1/namespaces/${namespace}/persistentvolumeclaims`;

describe('kubernetes/expand_pvc', () => {
  let t: ActionCluster;
  const bound = (name: string, storage: string) =>
    waitForObject<V1PersistentVolumeClaim>(
      t.cluster.kc,
      CLAIMS,
      name,
      (pvc) => pvc.status?.phase === 'Bound' && pvc.status.capacity?.storage === storage,
    );
  const claim = (name: string, storage: string, storageClassName?: string) =>
    t.cluster.core.createNamespacedPersistentVolumeClaim({
      namespace,
      body: {
        metadata: { name },
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage } },
          ...(storageClassName ? { storageClassName } : {}),
        },
      },
    });
  before(async () => {
    t = await startActionCluster('kubernetes/expand_pvc');
    await t.cluster.kc.makeApiClient(StorageV1Api).createStorageClass({
      body: { metadata: { name: 'fixed' }, provisioner: 'example.com/fixed' },
    });
    await claim('data', '10Gi');
    await claim('pinned', '1Gi', 'fixed');
    await Promise.all([bound('data', '10Gi'), bound('pinned', '1Gi')]);
  });
  after(() => t.close());

  it('grows a claim by a factor (env) and the volume follows', async () => {
    const result = await t.run('env', { namespace, pvc: 'data', ceiling: '100Gi' });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(result.outputs, { previousSize: '10Gi', size: '15Gi', capped: false });
    await bound('data', '15Gi');
  });

  it('grows a claim to a size, cut at the ceiling (stdin)', async () => {
    const result = await t.run('stdin', { namespace, pvc: 'data', size: '50Gi', ceiling: '20Gi' });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(result.outputs, { previousSize: '15Gi', size: '20Gi', capped: true });
    await bound('data', '20Gi');
  });

  it('reports the class that cannot expand, refuses at the ceiling, 2 on a bad size, 1 on an unknown claim', async () => {
    assertFailed(
      await t.run('env', { namespace, pvc: 'pinned', ceiling: '10Gi' }),
      /only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize/,
    );
    assertFailed(
      await t.run('stdin', { namespace, pvc: 'data', ceiling: '20Gi' }),
      /^Refused: persistentvolumeclaim default\/data requests 20Gi already/,
    );
    assertBadInput(
      await t.run('env', { namespace, pvc: 'data', size: 'huge', ceiling: '20Gi' }),
      /inputs\.size: "huge" does not match the pattern/,
    );
    assertFailed(
      await t.run('stdin', { namespace, pvc: 'nope', ceiling: '20Gi' }),
      /^NotFound: persistentvolumeclaim default\/nope not found/,
    );
    const [data, pinned] = await Promise.all([bound('data', '20Gi'), bound('pinned', '1Gi')]);
    assert.equal(data.spec?.resources?.requests?.storage, '20Gi');
    assert.equal(pinned.spec?.resources?.requests?.storage, '1Gi');
  });
});
