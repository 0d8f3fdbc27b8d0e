/** The local cluster's one StorageClass: the default, local directories, expandable. */
import type { StorageV1Api } from '@kubernetes/client-node';
import { isAlreadyExistsOrConflict } from '../../src/kube/errors.ts';
import { DEFAULT_CLASS_ANNOTATION } from '../apiserver/claim-rules.ts';

export const LOCAL_STORAGE_CLASS = 'local-path';

export async function registerStorageClass(storage: StorageV1Api): Promise<void> {
  try {
    await storage.createStorageClass({
      body: {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: {
          name: LOCAL_STORAGE_CLASS,
          annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' },
        },
        provisioner: 'kubernaut.ai/local-path',
        reclaimPolicy: 'Delete',
        volumeBindingMode: 'Immediate',
        allowVolumeExpansion: true,
      },
    });
  } catch (error) {
    if (!isAlreadyExistsOrConflict(error)) throw error;
  }
}
