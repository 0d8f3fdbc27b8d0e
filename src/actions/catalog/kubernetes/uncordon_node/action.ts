/** Marks a node schedulable again (kubectl uncordon). */
import { defineAction } from '../../../runtime/define-action.ts';
import { setUnschedulable, type NodeInputs } from '../../../lib/nodes/set-schedulable.ts';

export default defineAction<NodeInputs>((context) => setUnschedulable(context, false));
