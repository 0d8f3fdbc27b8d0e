/** A pod from a workload's pod template, owned by the workload (pure). */
import type { V1ObjectMeta, V1Pod, V1PodTemplateSpec } from '@kubernetes/client-node';
import { controllerReference } from './owned-by.ts';

export function buildOwnedPod(
  owner: { apiVersion: string; kind: string; metadata?: V1ObjectMeta },
  template: V1PodTemplateSpec | undefined,
): V1Pod {
  const namespace = owner.metadata?.namespace ?? 'default';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      // generateName, as the real controllers do: `<owner>-<5 random characters>`.
      generateName: `${owner.metadata?.name ?? owner.kind.toLowerCase()}-`,
      namespace,
      labels: template?.metadata?.labels ?? {},
      annotations: template?.metadata?.annotations ?? {},
      ownerReferences: [controllerReference(owner)],
    },
    spec: template?.spec ?? { containers: [] },
  };
}
