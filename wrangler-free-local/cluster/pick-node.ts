/**
 * The simulated scheduler's filter, pure: a node fits a pod unless it is cordoned
 * (spec.unschedulable), carries a NoSchedule/NoExecute taint the pod does not tolerate, or
 * lacks a label of the pod's nodeSelector — the checks `kubectl cordon` / `kubectl taint`
 * and drains rely on. Among fitting nodes
 * the choice rotates, as before.
 */
import type { V1Node, V1Pod, V1Taint, V1Toleration } from '@kubernetes/client-node';

function tolerates(toleration: V1Toleration, taint: V1Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if ((toleration.operator ?? 'Equal') === 'Exists')
    return !toleration.key || toleration.key === taint.key;
  return toleration.key === taint.key && (toleration.value ?? '') === (taint.value ?? '');
}

export function nodeFits(node: V1Node | undefined, pod: V1Pod): boolean {
  if (node === undefined) return true; // not seen yet: the simulated nodes are known to exist
  if (node.spec?.unschedulable === true) return false;
  const labels = node.metadata?.labels ?? {};
  for (const [key, value] of Object.entries(pod.spec?.nodeSelector ?? {}))
    if (labels[key] !== value) return false;
  const tolerations = pod.spec?.tolerations ?? [];
  return (node.spec?.taints ?? []).every(
    (taint) => taint.effect === 'PreferNoSchedule' || tolerations.some((t) => tolerates(t, taint)),
  );
}

/** The next fitting node after `start` in `names`, or undefined when none fits. */
export function pickNode(
  names: readonly string[],
  start: number,
  nodeOf: (name: string) => V1Node | undefined,
  pod: V1Pod,
): { name: string; index: number } | undefined {
  for (let i = 0; i < names.length; i++) {
    const index = (start + i) % names.length;
    const name = names[index];
    if (name !== undefined && nodeFits(nodeOf(name), pod)) return { name, index };
  }
  return undefined;
}
