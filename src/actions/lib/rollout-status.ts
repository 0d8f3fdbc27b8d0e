/**
 * Whether a workload's rollout is complete (pure): the checks of `kubectl rollout status`
 * (kubectl/pkg/polymorphichelpers/rollout_status.go) for Deployments, StatefulSets and
 * DaemonSets, with kubectl's messages.
 */
import type {
  V1DaemonSet,
  V1Deployment,
  V1StatefulSet,
  V1StatefulSetStatus,
} from '@kubernetes/client-node';
import type { Workload, WorkloadKind } from './workloads.ts';

export type RolloutStatus =
  | { state: 'done'; message: string }
  | { state: 'waiting'; message: string }
  /** The rollout will not complete by waiting (e.g. its progress deadline passed). */
  | { state: 'failed'; message: string };

export function rolloutStatus(kind: WorkloadKind, workload: Workload): RolloutStatus {
  if (kind === 'Deployment') return deploymentStatus(workload);
  if (kind === 'StatefulSet') return statefulSetStatus(workload as V1StatefulSet);
  return daemonSetStatus(workload as V1DaemonSet);
}

function deploymentStatus(deployment: V1Deployment): RolloutStatus {
  const name = deployment.metadata?.name ?? '';
  const status = deployment.status ?? {};
  if ((deployment.metadata?.generation ?? 0) > (status.observedGeneration ?? 0)) {
    return { state: 'waiting', message: 'Waiting for deployment spec update to be observed...' };
  }
  const progressing = status.conditions?.find((condition) => condition.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { state: 'failed', message: `deployment "${name}" exceeded its progress deadline` };
  }
  const wanted = deployment.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const replicas = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  if (updated < wanted) {
    return {
      state: 'waiting',
      message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${wanted} new replicas have been updated...`,
    };
  }
  if (replicas > updated) {
    return {
      state: 'waiting',
      message: `Waiting for deployment "${name}" rollout to finish: ${replicas - updated} old replicas are pending termination...`,
    };
  }
  if (available < updated) {
    return {
      state: 'waiting',
      message: `Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...`,
    };
  }
  return { state: 'done', message: `deployment "${name}" successfully rolled out` };
}

function statefulSetStatus(set: V1StatefulSet): RolloutStatus {
  const unsupported = notRollingUpdate('statefulset', set.spec?.updateStrategy?.type);
  if (unsupported) return unsupported;
  const status: Partial<V1StatefulSetStatus> = set.status ?? {};
  const { observedGeneration = 0 } = status;
  if (observedGeneration === 0 || (set.metadata?.generation ?? 0) > observedGeneration) {
    return { state: 'waiting', message: 'Waiting for statefulset spec update to be observed...' };
  }
  const partition = set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
  return statefulSetProgress(set.spec?.replicas ?? 1, partition, status);
}

function statefulSetProgress(
  wanted: number,
  partition: number,
  status: Partial<V1StatefulSetStatus>,
): RolloutStatus {
  const { readyReplicas = 0, updatedReplicas = 0 } = status;
  if (readyReplicas < wanted) {
    return {
      state: 'waiting',
      message: `Waiting for ${wanted - readyReplicas} pods to be ready...`,
    };
  }
  if (partition > 0) return partitionedStatus(wanted - partition, updatedReplicas);
  const { updateRevision = '', currentRevision = '', currentReplicas = 0 } = status;
  if (updateRevision !== currentRevision) {
    return {
      state: 'waiting',
      message: `waiting for statefulset rolling update to complete ${updatedReplicas} pods at revision ${updateRevision}...`,
    };
  }
  return {
    state: 'done',
    message: `statefulset rolling update complete ${currentReplicas} pods at revision ${currentRevision}...`,
  };
}

function partitionedStatus(toUpdate: number, updated: number): RolloutStatus {
  if (updated < toUpdate) {
    return {
      state: 'waiting',
      message: `Waiting for partitioned roll out to finish: ${updated} out of ${toUpdate} new pods have been updated...`,
    };
  }
  return {
    state: 'done',
    message: `partitioned roll out complete: ${updated} new pods have been updated...`,
  };
}

function daemonSetStatus(set: V1DaemonSet): RolloutStatus {
  const name = set.metadata?.name ?? '';
  const unsupported = notRollingUpdate('daemonset', set.spec?.updateStrategy?.type);
  if (unsupported) return unsupported;
  const status = set.status;
  if ((set.metadata?.generation ?? 0) > (status?.observedGeneration ?? 0)) {
    return { state: 'waiting', message: 'Waiting for daemon set spec update to be observed...' };
  }
  const desired = status?.desiredNumberScheduled ?? 0;
  const updated = status?.updatedNumberScheduled ?? 0;
  const available = status?.numberAvailable ?? 0;
  if (updated < desired) {
    return {
      state: 'waiting',
      message: `Waiting for daemon set "${name}" rollout to finish: ${updated} out of ${desired} new pods have been updated...`,
    };
  }
  if (available < desired) {
    return {
      state: 'waiting',
      message: `Waiting for daemon set "${name}" rollout to finish: ${available} of ${desired} updated pods are available...`,
    };
  }
  return { state: 'done', message: `daemon set "${name}" successfully rolled out` };
}

/** kubectl refuses rollout status for OnDelete: nothing rolls out until pods are deleted. */
function notRollingUpdate(kind: string, strategy = 'RollingUpdate'): RolloutStatus | undefined {
  if (strategy === 'RollingUpdate') return undefined;
  return {
    state: 'failed',
    message: `rollout status is only available for RollingUpdate strategy type (${kind} has ${strategy})`,
  };
}
