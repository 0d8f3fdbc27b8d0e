/** Sets a Deployment's replica count, refusing a count above the ceiling input. */
import { defineAction } from '../../../runtime/define-action.ts';
import { scaleWorkload, type ScaleInputs } from '../../../lib/scale-workload.ts';

export default defineAction<ScaleInputs & { deployment: string }>((context) =>
  scaleWorkload(context, 'Deployment', context.inputs.deployment),
);
