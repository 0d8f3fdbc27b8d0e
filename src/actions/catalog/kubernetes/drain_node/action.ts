/**
 * Drains a node as `kubectl drain` does: refuses up front when pods without a controller would
 * be lost (unless forced), cordons, then evicts every other pod through the Eviction API in
 * parallel, honouring PodDisruptionBudgets (a refused eviction is retried until the timeout),
 * skipping DaemonSet and mirror pods. Pods still there at the timeout fail the action, named
 * with the budget's reason; the node stays cordoned.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import { ActionError, invalidInput } from '../../../runtime/action-error.ts';
import { defineAction } from '../../../runtime/define-action.ts';
import { callApi } from '../../../runtime/kube-calls.ts';
import { evictPod } from '../../../lib/nodes/evict-pods.ts';
import { selectDrainPods } from '../../../lib/nodes/select-drain-pods.ts';
import { setUnschedulable } from '../../../lib/nodes/set-schedulable.ts';

interface Inputs {
  node: string;
  gracePeriodSeconds: number;
  timeoutSeconds: number;
  retryIntervalSeconds: number;
  force: boolean;
}

export default defineAction<Inputs>(async (context) => {
  const { node, gracePeriodSeconds, timeoutSeconds, retryIntervalSeconds, force } = context.inputs;
  if (timeoutSeconds < 1 || timeoutSeconds > 3600)
    throw invalidInput('timeoutSeconds', `must be between 1 and 3600, got ${timeoutSeconds}`);
  if (retryIntervalSeconds < 1 || retryIntervalSeconds > 60)
    throw invalidInput(
      'retryIntervalSeconds',
      `must be between 1 and 60, got ${retryIntervalSeconds}`,
    );
  const deadline = Date.now() + timeoutSeconds * 1000;
  const core = context.api(CoreV1Api);
  await callApi(`node ${node}`, core.readNode({ name: node }));
  const pods = await callApi(
    `pods on node ${node}`,
    core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` }),
  );
  const selection = selectDrainPods(pods.items, force);
  if (selection.unmanaged.length > 0) {
    throw new ActionError(
      'Refused',
      `pods without a controller would be lost for good: ${selection.unmanaged.join(', ')} (set force to evict them anyway); the node was not changed`,
    );
  }
  await setUnschedulable(context, true);
  const outcomes = await Promise.all(
    selection.evict.map((pod) =>
      evictPod(context, pod, {
        gracePeriodSeconds,
        deadline,
        retryIntervalMs: retryIntervalSeconds * 1000,
      }),
    ),
  );
  const evicted = outcomes.filter((o) => o.evicted).map((o) => o.pod);
  const left = outcomes.flatMap((o) => (o.evicted ? [] : [`${o.pod} (${o.reason})`]));
  if (left.length > 0) {
    throw new ActionError(
      'Timeout',
      `node ${node} is cordoned but ${left.length} pod(s) were not evicted within ${timeoutSeconds}s: ${left.join(', ')}; evicted: ${evicted.join(', ') || 'none'}`,
    );
  }
  context.log.info({ node, evicted: evicted.length, skipped: selection.skipped.length }, 'drained');
  return { node, evicted, skipped: selection.skipped };
});
