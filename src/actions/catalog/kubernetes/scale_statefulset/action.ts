/** Sets a StatefulSet's replica count, refusing a count above the ceiling input. */
import { defineAction } from '../../../runtime/define-action.ts';
import { scaleWorkload, type ScaleInputs } from '../../../lib/scale-workload.ts';

export default defineAction<ScaleInputs & { statefulset: string }>((context) =>
  scaleWorkload(context, 'StatefulSet', context.inputs.statefulset),
);
