/**
 * Quarantines a pod: out of its Services' endpoints and out of its owner (which starts a
 * replacement), but still running, so that people can inspect it. StatefulSet pods are
 * refused: their replacement would need the quarantined pod's own name.
 */
import { AppsV1Api, BatchV1Api, CoreV1Api, type V1LabelSelector } from '@kubernetes/client-node';
import { mergePatch } from '../../../../kube/patch-options.ts';
import { ActionError } from '../../../runtime/action-error.ts';
import { defineAction, type ActionContext } from '../../../runtime/define-action.ts';
import { callApi } from '../../../runtime/kube-calls.ts';
import { controllerOf } from '../../../lib/owner-workload.ts';
import { planQuarantine, QUARANTINE_LABEL } from '../../../lib/quarantine-plan.ts';

type Inputs = { namespace: string; pod: string };

export default defineAction<Inputs>(async (context) => {
  const { namespace, pod: name } = context.inputs;
  const core = context.api(CoreV1Api);
  const what = `pod ${namespace}/${name}`;
  const pod = await callApi(what, core.readNamespacedPod({ name, namespace }));
  if (pod.metadata?.labels?.[QUARANTINE_LABEL] === 'true') {
    throw new ActionError('Refused', `${what} is quarantined already`);
  }
  const owner = controllerOf(pod.metadata);
  const ownerSelector = owner ? await selectorOf(context, owner.kind, owner.name) : undefined;
  const services = await callApi(
    `services of namespace ${namespace}`,
    core.listNamespacedService({ namespace }),
  );
  const plan = planQuarantine(pod, services.items, ownerSelector);
  await callApi(what, core.patchNamespacedPod({ name, namespace, body: plan.patch }, mergePatch));
  const ownerName = owner ? `${owner.kind}/${owner.name}` : '';
  context.log.info(
    { namespace, pod: name, ...plan, patch: undefined, owner: ownerName },
    'quarantined',
  );
  return {
    pod: name,
    removedLabels: plan.removedLabels,
    services: plan.services,
    owner: ownerName,
  };
});

async function selectorOf(
  context: ActionContext<Inputs>,
  kind: string,
  name: string,
): Promise<V1LabelSelector | undefined> {
  const { namespace } = context.inputs;
  const what = `${kind.toLowerCase()} ${namespace}/${name}`;
  switch (kind) {
    case 'ReplicaSet':
      return (
        await callApi(what, context.api(AppsV1Api).readNamespacedReplicaSet({ name, namespace }))
      ).spec?.selector;
    case 'DaemonSet':
      return (
        await callApi(what, context.api(AppsV1Api).readNamespacedDaemonSet({ name, namespace }))
      ).spec?.selector;
    case 'Job':
      return (await callApi(what, context.api(BatchV1Api).readNamespacedJob({ name, namespace })))
        .spec?.selector;
    default:
      throw new ActionError(
        'Refused',
        `pod ${namespace}/${context.inputs.pod} is run by ${kind} ${name}, which cannot replace it while it keeps its name`,
      );
  }
}
