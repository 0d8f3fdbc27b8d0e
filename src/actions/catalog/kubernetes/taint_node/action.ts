/** Adds a taint to a node (kubectl taint), replacing one of the same key and effect. */
import { defineAction } from '../../../runtime/define-action.ts';
import { planAddTaint } from '../../../lib/nodes/plan-taints.ts';
import { updateTaints } from '../../../lib/nodes/update-taints.ts';

interface Inputs {
  node: string;
  key: string;
  value: string;
  effect: string;
  overwrite: boolean;
}

export default defineAction<Inputs>(async (context) => {
  const { key, value, effect, overwrite } = context.inputs;
  const result = await updateTaints(context, (current) =>
    planAddTaint(current, { key, value, effect }, overwrite),
  );
  return { node: result.node, taints: result.taintList, changed: result.changed };
});
