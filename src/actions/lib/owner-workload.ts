/**
 * The workload that owns a pod, following controller references as kubectl does: a pod of a
 * ReplicaSet belongs to that ReplicaSet's Deployment; StatefulSet and DaemonSet pods belong
 * to them directly. Alerts name pods (KubePodCrashLooping, OOMKilled); remediations act on
 * the workload that would recreate them.
 */
import {
  AppsV1Api,
  CoreV1Api,
  type V1ObjectMeta,
  type V1OwnerReference,
} from '@kubernetes/client-node';
import { ActionError } from '../runtime/action-error.ts';
import type { ActionContext } from '../runtime/define-action.ts';
import { callApi } from '../runtime/kube-calls.ts';
import { WORKLOAD_KINDS, type WorkloadKind, type WorkloadRef } from './workloads.ts';

export const controllerOf = (meta: V1ObjectMeta | undefined): V1OwnerReference | undefined =>
  meta?.ownerReferences?.find((owner) => owner.controller === true);

export async function findOwnerWorkload(
  context: ActionContext<unknown>,
  namespace: string,
  pod: string,
): Promise<WorkloadRef> {
  const found = await callApi(
    `pod ${namespace}/${pod}`,
    context.api(CoreV1Api).readNamespacedPod({ name: pod, namespace }),
  );
  const owner = controllerOf(found.metadata);
  if (owner?.kind === 'ReplicaSet') {
    const replicaSet = await callApi(
      `replicaset ${namespace}/${owner.name}`,
      context.api(AppsV1Api).readNamespacedReplicaSet({ name: owner.name, namespace }),
    );
    const deployment = controllerOf(replicaSet.metadata);
    if (deployment?.kind === 'Deployment') {
      return { kind: 'Deployment', namespace, name: deployment.name };
    }
    throw new ActionError(
      'Refused',
      `pod ${namespace}/${pod} belongs to replicaset ${owner.name}, which no Deployment owns`,
    );
  }
  if (owner && isWorkloadKind(owner.kind)) return { kind: owner.kind, namespace, name: owner.name };
  throw new ActionError(
    'Refused',
    `pod ${namespace}/${pod} is not run by a Deployment, StatefulSet or DaemonSet` +
      (owner ? ` (its controller is ${owner.kind} ${owner.name})` : ' (it has no controller)'),
  );
}

const isWorkloadKind = (kind: string): kind is WorkloadKind =>
  (WORKLOAD_KINDS as readonly string[]).includes(kind);

/**
 * The workload an action targets: `kind` + `name`, or the owner of `pod`. Exactly one of the
 * two ways must be given.
 */
export async function resolveWorkload(
  context: ActionContext<{ namespace: string; kind: WorkloadKind; name?: string; pod?: string }>,
): Promise<WorkloadRef> {
  const { namespace, kind, name, pod } = context.inputs;
  if (name !== undefined && pod !== undefined) {
    throw new ActionError('InvalidInput', 'inputs.pod: give either name or pod, not both');
  }
  if (name !== undefined) return { kind, namespace, name };
  if (pod !== undefined) return findOwnerWorkload(context, namespace, pod);
  throw new ActionError('InvalidInput', 'inputs.name: required unless pod is given');
}
