/** Pure builders of the pod status fields a kubelet reports. */
import type {
  V1ContainerStatus,
  V1Pod,
  V1PodCondition,
  V1PodStatus,
} from '@kubernetes/client-node';
import type { ContainerExit } from './container-runner.ts';

export type ContainerState =
  | { state: 'waiting'; reason: string; message?: string }
  | { state: 'running'; startedAt: Date }
  | { state: 'terminated'; exit: ContainerExit };

export function containerStatus(
  name: string,
  image: string,
  state: ContainerState,
  pid = 0,
): V1ContainerStatus {
  const base = {
    name,
    image,
    imageID: image,
    restartCount: 0,
    containerID: `local://${String(pid)}`,
  };
  switch (state.state) {
    case 'waiting':
      return {
        ...base,
        ready: false,
        started: false,
        state: {
          waiting: { reason: state.reason, ...(state.message ? { message: state.message } : {}) },
        },
      };
    case 'running':
      return {
        ...base,
        ready: true,
        started: true,
        state: { running: { startedAt: state.startedAt } },
      };
    case 'terminated':
      return {
        ...base,
        ready: false,
        started: false,
        state: {
          terminated: {
            exitCode: state.exit.exitCode,
            reason: state.exit.reason,
            ...(state.exit.message ? { message: state.exit.message } : {}),
            startedAt: state.exit.startedAt,
            finishedAt: state.exit.finishedAt,
          },
        },
      };
  }
}

export function podConditions(pod: V1Pod, ready: boolean, reason?: string): V1PodCondition[] {
  const now = new Date();
  const scheduled = pod.status?.conditions?.find((condition) => condition.type === 'PodScheduled');
  const condition = (type: string, status: boolean): V1PodCondition => ({
    type,
    status: status ? 'True' : 'False',
    lastTransitionTime: now,
    ...(status || !reason ? {} : { reason }),
  });
  return [
    scheduled ?? condition('PodScheduled', true),
    condition('Initialized', true),
    condition('ContainersReady', ready),
    condition('Ready', ready),
  ];
}

export function terminalStatus(
  pod: V1Pod,
  statuses: V1ContainerStatus[],
  failedReason?: string,
  message?: string,
): V1PodStatus {
  const failed =
    failedReason !== undefined ||
    statuses.some(
      (status) => (status.state?.terminated?.exitCode ?? 0) !== 0 || !status.state?.terminated,
    );
  return {
    phase: failed ? 'Failed' : 'Succeeded',
    ...(failedReason ? { reason: failedReason } : {}),
    ...(message ? { message } : {}),
    conditions: podConditions(pod, false, 'PodCompleted'),
    containerStatuses: statuses,
  };
}
