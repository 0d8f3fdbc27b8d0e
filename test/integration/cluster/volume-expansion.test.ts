import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AutoscalingV2Api,
  StorageV1Api,
  type V1PersistentVolumeClaim,
} from '@kubernetes/client-node';
import { mergePatch } from '../../../src/kube/patch-options.ts';
import { waitForObject } from '../../fixtures/wait-for-object.ts';
import { startTestLocalCluster, type TestLocalCluster } from './start-local-cluster.ts';

const CLAIMS = '/api/v1/namespaces/default/persistentvolumeclaims';

function claim(name: string, storage: string, storageClassName?: string): V1PersistentVolumeClaim {
  return {
    metadata: { name, namespace: 'default' },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage } },
      ...(storageClassName === undefined ? {} : { storageClassName }),
    },
  };
}

describe('local cluster: claims, storage classes and volume expansion', () => {
  let cluster: TestLocalCluster;
  const bound = (name: string, storage: string) =>
    waitForObject<V1PersistentVolumeClaim>(
      cluster.kc,
      CLAIMS,
      name,
      (pvc) => pvc.status?.phase === 'Bound' && pvc.status.capacity?.storage === storage,
    );
  const resize = (name: string, storage: string) =>
    cluster.core.patchNamespacedPersistentVolumeClaim(
      { name, namespace: 'default', body: { spec: { resources: { requests: { storage } } } } },
      mergePatch,
    );

  before(async () => {
    cluster = await startTestLocalCluster();
    await cluster.kc.makeApiClient(StorageV1Api).createStorageClass({
      body: {
        metadata: { name: 'fixed' },
        provisioner: 'example.com/fixed',
        allowVolumeExpansion: false,
      },
    });
  });
  after(() => cluster.close());

  it('gives a claim without a class the default one, and binds it with its capacity', async () => {
    await cluster.core.createNamespacedPersistentVolumeClaim({
      namespace: 'default',
      body: claim('data', '1Gi'),
    });
    const pvc = await bound('data', '1Gi');
    assert.equal(pvc.spec?.storageClassName, 'local-path');
    assert.deepEqual(pvc.status?.accessModes, ['ReadWriteOnce']);
  });

  it('grows a bound claim of an expandable class, and the capacity follows', async () => {
    await resize('data', '2Gi');
    await bound('data', '2Gi');
  });

  it('refuses to shrink a claim (422 naming the field)', async () => {
    await assert.rejects(resize('data', '1Gi'), (error: { code?: number; body?: string }) => {
      assert.equal(error.code, 422);
      assert.match(
        String(error.body),
        /spec\.resources\.requests\.storage: Forbidden: field can not be less than previous value/,
      );
      return true;
    });
  });

  it('refuses to grow a claim whose class does not allow expansion (403)', async () => {
    await cluster.core.createNamespacedPersistentVolumeClaim({
      namespace: 'default',
      body: claim('fixed', '1Gi', 'fixed'),
    });
    await bound('fixed', '1Gi');
    await assert.rejects(resize('fixed', '2Gi'), (error: { code?: number; body?: string }) => {
      assert.equal(error.code, 403);
      assert.match(
        String(error.body),
        /the storageclass that provisions the pvc must support resize/,
      );
      return true;
    });
  });

  it('stores HorizontalPodAutoscalers (autoscaling/v2)', async () => {
    const autoscaling = cluster.kc.makeApiClient(AutoscalingV2Api);
    await autoscaling.createNamespacedHorizontalPodAutoscaler({
      namespace: 'default',
      body: {
        metadata: { name: 'web' },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
          maxReplicas: 5,
        },
      },
    });
    const hpa = await autoscaling.readNamespacedHorizontalPodAutoscaler({
      name: 'web',
      namespace: 'default',
    });
    assert.equal(hpa.spec.maxReplicas, 5);
  });
});
