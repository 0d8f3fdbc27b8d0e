/**
 * The apps/v1 workloads the actions act on, addressed by kind: one place that knows each
 * kind's client methods and collection path.
 */
import {
  AppsV1Api,
  type V1DaemonSet,
  type V1Deployment,
  type V1StatefulSet,
} from '@kubernetes/client-node';
import { jsonPatch, mergePatch } from '../../kube/patch-options.ts';
import type { ActionContext } from '../runtime/define-action.ts';
import { callApi } from '../runtime/kube-calls.ts';

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];
export type Workload = V1Deployment | V1StatefulSet | V1DaemonSet;

const RESOURCES: Record<WorkloadKind, string> = {
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
};

export interface WorkloadRef {
  kind: WorkloadKind;
  namespace: string;
  name: string;
}

export const describeWorkload = (ref: WorkloadRef): string =>
  `${ref.kind.toLowerCase()} ${ref.namespace}/${ref.name}`;

export const workloadCollectionPath = (ref: Pick<WorkloadRef, 'kind' | 'namespace'>): string =>
  `/apis/apps/v1/namespaces/${ref.namespace}/${RESOURCES[ref.kind]}`;

export function readWorkload(context: ActionContext<unknown>, ref: WorkloadRef): Promise<Workload> {
  const apps = context.api(AppsV1Api);
  const { name, namespace } = ref;
  const read =
    ref.kind === 'Deployment'
      ? apps.readNamespacedDeployment({ name, namespace })
      : ref.kind === 'StatefulSet'
        ? apps.readNamespacedStatefulSet({ name, namespace })
        : apps.readNamespacedDaemonSet({ name, namespace });
  return callApi(describeWorkload(ref), read);
}

/** A merge patch (an object) or a JSON patch (an array of operations) of the workload. */
export function patchWorkload(
  context: ActionContext<unknown>,
  ref: WorkloadRef,
  body: object,
): Promise<Workload> {
  const apps = context.api(AppsV1Api);
  const { name, namespace } = ref;
  const options = Array.isArray(body) ? jsonPatch : mergePatch;
  const patch =
    ref.kind === 'Deployment'
      ? apps.patchNamespacedDeployment({ name, namespace, body }, options)
      : ref.kind === 'StatefulSet'
        ? apps.patchNamespacedStatefulSet({ name, namespace, body }, options)
        : apps.patchNamespacedDaemonSet({ name, namespace, body }, options);
  return callApi(describeWorkload(ref), patch);
}
