/** The simulated Deployment controller: ReplicaSets per template, revisions, rollout status. */
import {
  AppsV1Api,
  type KubeConfig,
  type V1Deployment,
  type V1DeploymentStatus,
  type V1ReplicaSet,
} from '@kubernetes/client-node';
import { WorkQueue } from '../../src/engine/work-queue.ts';
import { ignoreNotFound, isAlreadyExistsOrConflict } from '../../src/kube/errors.ts';
import { mergePatch } from '../../src/kube/patch-options.ts';
import type { SharedInformer, SharedInformers } from '../../src/kube/shared-informers.ts';
import {
  HASH_LABEL,
  planDeployment,
  REVISION_ANNOTATION,
  type DeploymentPlan,
} from './deployment-plan.ts';
import { enqueueControllerOf, enqueueObject } from './enqueue.ts';
import { controllerReference, isControlledBy } from './owned-by.ts';
import { stableStringify } from './pod-template-hash.ts';

export interface DeploymentControllerOptions {
  kc: KubeConfig;
  informers: SharedInformers;
  onError?: (error: unknown) => void;
}

export class DeploymentController {
  private readonly apps: AppsV1Api;
  private readonly queue: WorkQueue;
  private readonly deployments: SharedInformer<V1Deployment>;
  private readonly replicaSets: SharedInformer<V1ReplicaSet>;

  constructor(options: DeploymentControllerOptions) {
    this.apps = options.kc.makeApiClient(AppsV1Api);
    this.queue = new WorkQueue({
      concurrency: 8,
      process: (key) => this.reconcile(key),
      onError: (_key, error) => options.onError?.(error),
    });
    this.deployments = options.informers.informer('/apis/apps/v1/deployments', () =>
      this.apps.listDeploymentForAllNamespaces(),
    );
    this.replicaSets = options.informers.informer('/apis/apps/v1/replicasets', () =>
      this.apps.listReplicaSetForAllNamespaces(),
    );
    this.deployments.subscribe(enqueueObject(this.queue));
    this.replicaSets.subscribe(enqueueControllerOf('Deployment', this.queue));
  }

  async stop(): Promise<void> {
    await this.queue.close();
  }

  private async reconcile(key: string): Promise<undefined> {
    const [namespace = '', name = ''] = key.split('/');
    const deployment = this.deployments.cache.get(name, namespace);
    const uid = deployment?.metadata?.uid;
    if (!deployment || !uid || deployment.metadata?.deletionTimestamp) return undefined;
    const owned = this.replicaSets.cache
      .list(namespace)
      .filter((rs) => isControlledBy(rs.metadata, uid));
    const plan = planDeployment(deployment, owned, new Date());
    if (plan.createReplicaSet) await this.createReplicaSet(deployment, plan);
    for (const update of plan.updates) {
      const annotations =
        update.revision === undefined ? {} : { [REVISION_ANNOTATION]: String(update.revision) };
      await ignoreNotFound(
        this.apps.patchNamespacedReplicaSet(
          {
            name: update.name,
            namespace,
            body: { metadata: { annotations }, spec: { replicas: update.replicas } },
          },
          mergePatch,
        ),
      );
    }
    if (deployment.metadata?.annotations?.[REVISION_ANNOTATION] !== String(plan.revision)) {
      const body = { metadata: { annotations: { [REVISION_ANNOTATION]: String(plan.revision) } } };
      await ignoreNotFound(
        this.apps.patchNamespacedDeployment({ name, namespace, body }, mergePatch),
      );
    }
    if (statusChanged(deployment.status, plan.status)) {
      const body = { status: plan.status };
      await ignoreNotFound(
        this.apps.patchNamespacedDeploymentStatus({ name, namespace, body }, mergePatch),
      );
    }
    return undefined;
  }

  private async createReplicaSet(deployment: V1Deployment, plan: DeploymentPlan): Promise<void> {
    const namespace = deployment.metadata?.namespace ?? 'default';
    const template = deployment.spec?.template;
    const labels = { ...template?.metadata?.labels, [HASH_LABEL]: plan.hash };
    const replicas = deployment.spec?.replicas ?? 1;
    try {
      await this.apps.createNamespacedReplicaSet({
        namespace,
        body: {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: {
            name: plan.createReplicaSet?.name ?? '',
            namespace,
            labels,
            annotations: {
              [REVISION_ANNOTATION]: String(plan.createReplicaSet?.revision ?? 1),
              'deployment.kubernetes.io/desired-replicas': String(replicas),
              'deployment.kubernetes.io/max-replicas': String(replicas + 1),
            },
            ownerReferences: [
              controllerReference({
                apiVersion: 'apps/v1',
                kind: 'Deployment',
                metadata: deployment.metadata,
              }),
            ],
          },
          spec: {
            replicas,
            selector: {
              matchLabels: { ...deployment.spec?.selector.matchLabels, [HASH_LABEL]: plan.hash },
            },
            template: { ...template, metadata: { ...template?.metadata, labels } },
          },
        },
      });
    } catch (error) {
      // Created by an earlier reconcile whose ReplicaSet the cache has not shown yet.
      if (!isAlreadyExistsOrConflict(error)) throw error;
    }
  }
}

/** Conditions count as changed only when a status or reason flips, not on every timestamp. */
function statusChanged(before: V1DeploymentStatus | undefined, after: V1DeploymentStatus): boolean {
  const summary = (status: V1DeploymentStatus | undefined): string =>
    stableStringify({
      ...status,
      conditions: status?.conditions?.map(({ type, status: value, reason }) => ({
        type,
        value,
        reason,
      })),
    });
  return summary(before) !== summary(after);
}
