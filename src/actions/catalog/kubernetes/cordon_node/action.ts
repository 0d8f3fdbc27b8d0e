/** Marks a node unschedulable (kubectl cordon): running pods stay, no new pod lands there. */
import { defineAction } from '../../../runtime/define-action.ts';
import { setUnschedulable, type NodeInputs } from '../../../lib/nodes/set-schedulable.ts';

export default defineAction<NodeInputs>((context) => setUnschedulable(context, true));
