/**
 * Cordon and uncordon, as `kubectl cordon|uncordon` do them: spec.unschedulable on the Node,
 * written only when it changes, with the resourceVersion read as a precondition so that a
 * concurrent writer makes the patch fail rather than be overwritten.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import { mergePatch } from '../../../kube/patch-options.ts';
import type { ActionContext } from '../../runtime/define-action.ts';
import { callApi } from '../../runtime/kube-calls.ts';

export interface NodeInputs {
  node: string;
}

export async function setUnschedulable(
  context: ActionContext<NodeInputs>,
  unschedulable: boolean,
): Promise<{ node: string; unschedulable: boolean; changed: boolean }> {
  const name = context.inputs.node;
  const core = context.api(CoreV1Api);
  const what = `node ${name}`;
  const node = await callApi(what, core.readNode({ name }));
  const changed = (node.spec?.unschedulable === true) !== unschedulable;
  if (changed) {
    const body = {
      metadata: { resourceVersion: node.metadata?.resourceVersion },
      // false is the field's absence, as kubectl uncordon writes it.
      spec: { unschedulable: unschedulable ? true : null },
    };
    await callApi(what, core.patchNode({ name, body }, mergePatch));
  }
  context.log.info(
    { node: name, unschedulable, changed },
    unschedulable ? 'cordoned' : 'uncordoned',
  );
  return { node: name, unschedulable, changed };
}
