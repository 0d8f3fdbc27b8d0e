/**
 * The simulated volume controller: a claim is provisioned and bound at once (a local
 * directory backs it, see pod-sandbox.ts), and when a bound claim asks for more storage the
 * volume "grows" — status.capacity follows spec.resources.requests.storage, as after a
 * successful online expansion. The API server decides whether a claim may grow.
 */
import {
  CoreV1Api,
  type KubeConfig,
  type V1PersistentVolumeClaim,
  type V1PersistentVolumeClaimStatus,
} from '@kubernetes/client-node';
import { WorkQueue } from '../../src/engine/work-queue.ts';
import { ignoreNotFound } from '../../src/kube/errors.ts';
import { mergePatch } from '../../src/kube/patch-options.ts';
import type { SharedInformer, SharedInformers } from '../../src/kube/shared-informers.ts';
import { enqueueObject } from './enqueue.ts';

export interface VolumeControllerOptions {
  kc: KubeConfig;
  informers: SharedInformers;
  onError?: (error: unknown) => void;
}

/** The status a claim should have (pure); undefined when it has it already. */
export function planClaimStatus(
  claim: V1PersistentVolumeClaim,
): V1PersistentVolumeClaimStatus | undefined {
  const storage = claim.spec?.resources?.requests?.storage;
  if (storage === undefined || claim.metadata?.deletionTimestamp) return undefined;
  const status = claim.status;
  if (status?.phase === 'Bound' && status.capacity?.storage === storage) return undefined;
  return {
    phase: 'Bound',
    accessModes: claim.spec?.accessModes ?? [],
    capacity: { storage },
  };
}

export class VolumeController {
  private readonly core: CoreV1Api;
  private readonly queue: WorkQueue;
  private readonly claims: SharedInformer<V1PersistentVolumeClaim>;

  constructor(options: VolumeControllerOptions) {
    this.core = options.kc.makeApiClient(CoreV1Api);
    this.queue = new WorkQueue({
      concurrency: 4,
      process: (key) => this.reconcile(key),
      onError: (_key, error) => options.onError?.(error),
    });
    this.claims = options.informers.informer('/api/v1/persistentvolumeclaims', () =>
      this.core.listPersistentVolumeClaimForAllNamespaces(),
    );
    this.claims.subscribe(enqueueObject(this.queue));
  }

  async stop(): Promise<void> {
    await this.queue.close();
  }

  private async reconcile(key: string): Promise<undefined> {
    const [namespace = '', name = ''] = key.split('/');
    const claim = this.claims.cache.get(name, namespace);
    const status = claim && planClaimStatus(claim);
    if (!status) return undefined;
    await ignoreNotFound(
      this.core.patchNamespacedPersistentVolumeClaimStatus(
        { name, namespace, body: { status } },
        mergePatch,
      ),
    );
    return undefined;
  }
}
