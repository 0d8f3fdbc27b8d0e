/**
 * Restarts one pod by deleting it, for its controller to recreate. A pod no controller owns
 * would simply be gone, so that needs `allowUnowned`. The delete is preconditioned on the
 * UID read: a pod recreated under the same name meanwhile (StatefulSets) is left alone.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import { ActionError, invalidInput } from '../../../runtime/action-error.ts';
import { defineAction } from '../../../runtime/define-action.ts';
import { callApi } from '../../../runtime/kube-calls.ts';
import { controllerOf } from '../../../lib/owner-workload.ts';

export default defineAction<{
  namespace: string;
  pod: string;
  gracePeriodSeconds?: number;
  allowUnowned: boolean;
}>(async (context) => {
  const { namespace, pod: name, gracePeriodSeconds, allowUnowned } = context.inputs;
  if (gracePeriodSeconds !== undefined && gracePeriodSeconds < 0) {
    throw invalidInput('gracePeriodSeconds', `must be 0 or more, got ${gracePeriodSeconds}`);
  }
  const core = context.api(CoreV1Api);
  const what = `pod ${namespace}/${name}`;
  const pod = await callApi(what, core.readNamespacedPod({ name, namespace }));
  const owner = controllerOf(pod.metadata);
  if (!owner && !allowUnowned) {
    throw new ActionError(
      'Refused',
      `${what} has no controller to recreate it: deleting it would lose it (set allowUnowned to do it anyway)`,
    );
  }
  const uid = pod.metadata?.uid ?? '';
  await callApi(
    what,
    core.deleteNamespacedPod({
      name,
      namespace,
      ...(gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds }),
      body: { preconditions: { uid } },
    }),
  );
  const ownerName = owner ? `${owner.kind}/${owner.name}` : '';
  context.log.info({ pod: name, namespace, uid, owner: ownerName }, 'deleted');
  return { pod: name, uid, owner: ownerName };
});
