/**
 * Read, plan, write of a Node's taints: the merge patch carries the resourceVersion read, so
 * a concurrent change answers 409 and the plan is made again on a fresh read (3 tries).
 */
import { CoreV1Api, type V1Taint } from '@kubernetes/client-node';
import { statusCodeOf } from '../../../kube/errors.ts';
import { mergePatch } from '../../../kube/patch-options.ts';
import type { ActionContext } from '../../runtime/define-action.ts';
import { callApi, explainApiError } from '../../runtime/kube-calls.ts';
import { formatTaint, type TaintPlan } from './plan-taints.ts';

const ATTEMPTS = 3;

export async function updateTaints<P extends TaintPlan>(
  context: ActionContext<{ node: string }>,
  plan: (current: V1Taint[]) => P,
): Promise<P & { node: string; taintList: string[] }> {
  const name = context.inputs.node;
  const core = context.api(CoreV1Api);
  const what = `node ${name}`;
  for (let attempt = 1; ; attempt++) {
    const node = await callApi(what, core.readNode({ name }));
    const result = plan(node.spec?.taints ?? []);
    if (!result.changed)
      return { ...result, node: name, taintList: result.taints.map(formatTaint) };
    const body = {
      metadata: { resourceVersion: node.metadata?.resourceVersion },
      spec: { taints: result.taints.length > 0 ? result.taints : null },
    };
    try {
      await core.patchNode({ name, body }, mergePatch);
      context.log.info({ node: name, taints: result.taints.map(formatTaint) }, 'taints written');
      return { ...result, node: name, taintList: result.taints.map(formatTaint) };
    } catch (error) {
      if (statusCodeOf(error) !== 409 || attempt >= ATTEMPTS) throw explainApiError(what, error);
    }
  }
}
