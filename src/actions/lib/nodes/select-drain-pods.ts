/**
 * Which pods a drain evicts, pure, with `kubectl drain`'s filters: DaemonSet pods stay (their
 * controller would put them straight back, and they tolerate the cordon), mirror pods stay
 * (the kubelet owns them; the API cannot remove them), pods already terminating are left to
 * finish, and pods no controller would recreate are evicted only when forced.
 */
import type { V1Pod } from '@kubernetes/client-node';

export const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

export interface SkippedPod {
  pod: string;
  reason: string;
}

export interface DrainSelection {
  evict: V1Pod[];
  skipped: SkippedPod[];
  /** Pods without a controller, when not forced: the drain refuses before changing anything. */
  unmanaged: string[];
}

export function podKey(pod: V1Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

export function selectDrainPods(pods: readonly V1Pod[], force: boolean): DrainSelection {
  const selection: DrainSelection = { evict: [], skipped: [], unmanaged: [] };
  for (const pod of [...pods].sort((a, b) => podKey(a).localeCompare(podKey(b)))) {
    const controller = pod.metadata?.ownerReferences?.find((r) => r.controller === true);
    const skip = (reason: string) => selection.skipped.push({ pod: podKey(pod), reason });
    if (pod.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined) skip('mirror pod');
    else if (controller?.kind === 'DaemonSet') skip(`managed by DaemonSet ${controller.name}`);
    else if (pod.metadata?.deletionTimestamp) skip('already terminating');
    else if (controller === undefined && !force) selection.unmanaged.push(podKey(pod));
    else selection.evict.push(pod);
  }
  return selection;
}
