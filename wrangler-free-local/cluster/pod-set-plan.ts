/**
 * The shared core of the ReplicaSet-like controllers (pure): from the pods a workload owns
 * and how many it wants, which pods to create and delete, and the replica counts to report.
 */
import type { V1Pod } from '@kubernetes/client-node';

export interface PodCounts {
  replicas: number;
  readyReplicas: number;
  availableReplicas: number;
}

export interface PodSetPlan {
  create: number;
  /** Pods to delete, newest first, as the ReplicaSet controller prefers young pods. */
  remove: string[];
  counts: PodCounts;
}

export const isPodReady = (pod: V1Pod): boolean =>
  pod.status?.conditions?.some(
    (condition) => condition.type === 'Ready' && condition.status === 'True',
  ) ?? false;

const isLive = (pod: V1Pod): boolean =>
  !pod.metadata?.deletionTimestamp &&
  pod.status?.phase !== 'Succeeded' &&
  pod.status?.phase !== 'Failed';

export function planPodSet(
  pods: readonly V1Pod[],
  wanted: number,
  pendingCreates: number,
): PodSetPlan {
  const live = pods.filter(isLive);
  const present = live.length + pendingCreates;
  const newestFirst = [...live].sort((a, b) =>
    String(b.metadata?.creationTimestamp ?? '').localeCompare(
      String(a.metadata?.creationTimestamp ?? ''),
    ),
  );
  const ready = live.filter(isPodReady).length;
  return {
    create: Math.max(0, wanted - present),
    remove:
      present > wanted
        ? newestFirst.slice(0, present - wanted).map((pod) => pod.metadata?.name ?? '')
        : [],
    counts: { replicas: live.length, readyReplicas: ready, availableReplicas: ready },
  };
}
