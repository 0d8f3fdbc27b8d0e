/**
 * What the Deployment controller does (pure), simplified to an instant rollout: the
 * ReplicaSet of the current template gets every replica, older ones are scaled to zero.
 * Revisions follow the real controller: a new template gets max+1, and rolling back to an
 * old template moves its ReplicaSet to max+1 again, so `kubectl rollout undo` works.
 */
import type {
  V1Deployment,
  V1DeploymentCondition,
  V1DeploymentStatus,
  V1ReplicaSet,
} from '@kubernetes/client-node';
import { podTemplateHash } from './pod-template-hash.ts';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const HASH_LABEL = 'pod-template-hash';

export interface DeploymentPlan {
  hash: string;
  /** Create this ReplicaSet (current template, not found among the owned ones). */
  createReplicaSet?: { name: string; revision: number };
  /** Desired replicas and revision per existing ReplicaSet name, where they differ. */
  updates: { name: string; replicas: number; revision?: number }[];
  revision: number;
  status: V1DeploymentStatus;
}

export const revisionOf = (rs: V1ReplicaSet): number =>
  Number(rs.metadata?.annotations?.[REVISION_ANNOTATION] ?? '0');

export function planDeployment(
  deployment: V1Deployment,
  owned: readonly V1ReplicaSet[],
  now: Date,
): DeploymentPlan {
  const wanted = deployment.spec?.replicas ?? 1;
  const hash = podTemplateHash(deployment.spec?.template);
  const current = owned.find((rs) => rs.metadata?.labels?.[HASH_LABEL] === hash);
  const maxRevision = Math.max(0, ...owned.map(revisionOf));
  const isNewest = current !== undefined && revisionOf(current) === maxRevision;
  const revision = isNewest ? maxRevision : maxRevision + 1;
  const updates: DeploymentPlan['updates'] = [];
  for (const rs of owned) {
    const replicas = rs === current ? wanted : 0;
    const revisionChange = rs === current && !isNewest ? { revision } : {};
    if ((rs.spec?.replicas ?? 0) !== replicas || 'revision' in revisionChange) {
      updates.push({ name: rs.metadata?.name ?? '', replicas, ...revisionChange });
    }
  }
  const name = `${deployment.metadata?.name ?? 'deployment'}-${hash}`;
  return {
    hash,
    ...(current ? {} : { createReplicaSet: { name, revision } }),
    updates,
    revision,
    status: rolloutStatus(deployment, owned, current, current?.metadata?.name ?? name, now),
  };
}

/** The Deployment's status from its ReplicaSets', with the conditions kubectl rollout reads. */
function rolloutStatus(
  deployment: V1Deployment,
  owned: readonly V1ReplicaSet[],
  current: V1ReplicaSet | undefined,
  currentName: string,
  now: Date,
): V1DeploymentStatus {
  const wanted = deployment.spec?.replicas ?? 1;
  const sum = (pick: (rs: V1ReplicaSet) => number | undefined): number =>
    owned.reduce((total, rs) => total + (pick(rs) ?? 0), 0);
  const updated = current?.status?.replicas ?? 0;
  const available = sum((rs) => rs.status?.availableReplicas);
  const complete =
    updated === wanted &&
    sum((rs) => rs.status?.replicas) === wanted &&
    (current?.status?.availableReplicas ?? 0) === wanted;
  return {
    observedGeneration: deployment.metadata?.generation ?? 0,
    replicas: sum((rs) => rs.status?.replicas),
    updatedReplicas: updated,
    readyReplicas: sum((rs) => rs.status?.readyReplicas),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, wanted - available),
    conditions: conditionsFor(
      deployment,
      available >= wanted,
      current !== undefined && complete,
      currentName,
      now,
    ),
  };
}

function conditionsFor(
  deployment: V1Deployment,
  available: boolean,
  complete: boolean,
  rsName: string,
  now: Date,
): V1DeploymentCondition[] {
  const previous = deployment.status?.conditions ?? [];
  const condition = (
    type: string,
    status: boolean,
    reason: string,
    message: string,
  ): V1DeploymentCondition => {
    const before = previous.find((candidate) => candidate.type === type);
    const flipped = before?.status !== (status ? 'True' : 'False');
    return {
      type,
      status: status ? 'True' : 'False',
      reason,
      message,
      lastUpdateTime: now,
      lastTransitionTime: before && !flipped ? (before.lastTransitionTime ?? now) : now,
    };
  };
  return [
    condition(
      'Available',
      available,
      available ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
      available
        ? 'Deployment has minimum availability.'
        : 'Deployment does not have minimum availability.',
    ),
    condition(
      'Progressing',
      true,
      complete ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
      complete
        ? `ReplicaSet "${rsName}" has successfully progressed.`
        : `ReplicaSet "${rsName}" is progressing.`,
    ),
  ];
}
