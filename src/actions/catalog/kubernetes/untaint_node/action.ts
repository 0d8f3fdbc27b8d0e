/** Removes a node's taints of one key (kubectl taint key-), of one effect or all. */
import { defineAction } from '../../../runtime/define-action.ts';
import { planRemoveTaints } from '../../../lib/nodes/plan-taints.ts';
import { updateTaints } from '../../../lib/nodes/update-taints.ts';

interface Inputs {
  node: string;
  key: string;
  effect?: string;
}

export default defineAction<Inputs>(async (context) => {
  const { key, effect } = context.inputs;
  const result = await updateTaints(context, (current) => planRemoveTaints(current, key, effect));
  return {
    node: result.node,
    removed: result.removed,
    taints: result.taintList,
    changed: result.changed,
  };
});
