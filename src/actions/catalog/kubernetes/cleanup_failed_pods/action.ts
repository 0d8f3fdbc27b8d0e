/**
 * Deletes failed pods (status.phase=Failed) of a namespace, optionally of one selector
 * (a failed Job's pods: `job-name=<job>`), oldest first, at most `limit` per run.
 */
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { invalidInput } from '../../../runtime/action-error.ts';
import { defineAction } from '../../../runtime/define-action.ts';
import { callApi } from '../../../runtime/kube-calls.ts';
import { ignoreNotFound } from '../../../../kube/errors.ts';

export default defineAction<{
  namespace: string;
  labelSelector: string;
  minAgeSeconds: number;
  limit: number;
  dryRun: boolean;
}>(async (context) => {
  const { namespace, labelSelector, minAgeSeconds, limit, dryRun } = context.inputs;
  if (limit < 1) throw invalidInput('limit', `must be 1 or more, got ${limit}`);
  const core = context.api(CoreV1Api);
  const list = await callApi(
    `pods of namespace ${namespace}`,
    core.listNamespacedPod({
      namespace,
      fieldSelector: 'status.phase=Failed',
      ...(labelSelector === '' ? {} : { labelSelector }),
    }),
  );
  const cutoff = context.now().getTime() - minAgeSeconds * 1000;
  const failed = list.items
    .filter((pod) => failedAt(pod) <= cutoff)
    .sort((a, b) => failedAt(a) - failedAt(b));
  const chosen = failed.slice(0, limit);
  const pods: string[] = [];
  for (const pod of chosen) {
    const name = pod.metadata?.name ?? '';
    if (!dryRun) {
      const uid = pod.metadata?.uid ?? '';
      // Gone already (a Job's TTL, a person) counts as cleaned.
      await callApi(
        `pod ${namespace}/${name}`,
        ignoreNotFound(
          core.deleteNamespacedPod({ name, namespace, body: { preconditions: { uid } } }),
        ),
      );
    }
    pods.push(name);
  }
  context.log.info({ namespace, labelSelector, dryRun, pods }, dryRun ? 'would delete' : 'deleted');
  return { deleted: pods.length, pods, remaining: failed.length - chosen.length };
});

/** When the pod ended: its containers' finish time, else its start, else its creation. */
function failedAt(pod: V1Pod): number {
  const finished = (pod.status?.containerStatuses ?? [])
    .map((status) => status.state?.terminated?.finishedAt)
    .filter((time): time is Date => time !== undefined)
    .map((time) => new Date(time).getTime());
  if (finished.length > 0) return Math.max(...finished);
  const started = pod.status?.startTime ?? pod.metadata?.creationTimestamp;
  return started ? new Date(started).getTime() : 0;
}
