/** The simulated ReplicaSet controller: keeps `spec.replicas` pods and reports their counts. */
import {
  AppsV1Api,
  CoreV1Api,
  type KubeConfig,
  type V1Pod,
  type V1ReplicaSet,
} from '@kubernetes/client-node';
import { WorkQueue } from '../../src/engine/work-queue.ts';
import { ignoreNotFound } from '../../src/kube/errors.ts';
import { mergePatch } from '../../src/kube/patch-options.ts';
import type { SharedInformer, SharedInformers } from '../../src/kube/shared-informers.ts';
import { enqueueControllerOfAndFormer, enqueueObject } from './enqueue.ts';
import { buildOwnedPod } from './build-owned-pod.ts';
import { isControlledBy } from './owned-by.ts';
import { planPodSet, type PodCounts } from './pod-set-plan.ts';

export interface ReplicaSetControllerOptions {
  kc: KubeConfig;
  informers: SharedInformers;
  onError?: (error: unknown) => void;
}

export class ReplicaSetController {
  private readonly apps: AppsV1Api;
  private readonly core: CoreV1Api;
  private readonly queue: WorkQueue;
  private readonly replicaSets: SharedInformer<V1ReplicaSet>;
  private readonly pods: SharedInformer<V1Pod>;
  private readonly expected = new Map<string, Set<string>>();

  constructor(options: ReplicaSetControllerOptions) {
    this.apps = options.kc.makeApiClient(AppsV1Api);
    this.core = options.kc.makeApiClient(CoreV1Api);
    this.queue = new WorkQueue({
      concurrency: 8,
      process: (key) => this.reconcile(key),
      onError: (_key, error) => options.onError?.(error),
    });
    this.replicaSets = options.informers.informer('/apis/apps/v1/replicasets', () =>
      this.apps.listReplicaSetForAllNamespaces(),
    );
    this.pods = options.informers.informer('/api/v1/pods', () =>
      this.core.listPodForAllNamespaces(),
    );
    this.replicaSets.subscribe(enqueueObject(this.queue));
    this.pods.subscribe(enqueueControllerOfAndFormer('ReplicaSet', this.queue));
  }

  async stop(): Promise<void> {
    await this.queue.close();
  }

  private async reconcile(key: string): Promise<undefined> {
    const [namespace = '', name = ''] = key.split('/');
    const rs = this.replicaSets.cache.get(name, namespace);
    const uid = rs?.metadata?.uid;
    if (!rs || !uid || rs.metadata?.deletionTimestamp) return undefined;
    const pods = this.pods.cache.list(namespace).filter((pod) => isControlledBy(pod.metadata, uid));
    const expected = this.expected.get(uid) ?? new Set<string>();
    for (const pod of pods) expected.delete(pod.metadata?.name ?? '');
    this.expected.set(uid, expected);
    const plan = planPodSet(pods, rs.spec?.replicas ?? 1, expected.size);
    const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: rs.metadata };
    for (let index = 0; index < plan.create; index++) {
      const body = buildOwnedPod(owner, rs.spec?.template);
      const created = await this.core.createNamespacedPod({ namespace, body });
      expected.add(created.metadata?.name ?? '');
    }
    await Promise.all(
      plan.remove.map((pod) =>
        ignoreNotFound(this.core.deleteNamespacedPod({ name: pod, namespace })),
      ),
    );
    await this.writeStatus(rs, {
      ...plan.counts,
      fullyLabeledReplicas: plan.counts.replicas,
      observedGeneration: rs.metadata?.generation ?? 0,
    });
    return undefined;
  }

  private async writeStatus(
    rs: V1ReplicaSet,
    status: PodCounts & { fullyLabeledReplicas: number; observedGeneration: number },
  ): Promise<void> {
    const current = rs.status ?? { replicas: 0 };
    const changed = (Object.keys(status) as (keyof typeof status)[]).some(
      (field) => current[field] !== status[field],
    );
    if (!changed) return;
    const name = rs.metadata?.name ?? '';
    const namespace = rs.metadata?.namespace ?? 'default';
    await ignoreNotFound(
      this.apps.patchNamespacedReplicaSetStatus({ name, namespace, body: { status } }, mergePatch),
    );
  }
}
