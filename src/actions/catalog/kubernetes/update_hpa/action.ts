/** Changes a HorizontalPodAutoscaler's min/max replicas, max within a ceiling. */
import { AutoscalingV2Api } from '@kubernetes/client-node';
import { mergePatch } from '../../../../kube/patch-options.ts';
import { defineAction } from '../../../runtime/define-action.ts';
import { callApi } from '../../../runtime/kube-calls.ts';
import { planHpaBounds, type HpaInputs } from '../../../lib/hpa-plan.ts';

export default defineAction<HpaInputs & { namespace: string; hpa: string }>(async (context) => {
  const { namespace, hpa: name } = context.inputs;
  const autoscaling = context.api(AutoscalingV2Api);
  const what = `horizontalpodautoscaler ${namespace}/${name}`;
  const hpa = await callApi(
    what,
    autoscaling.readNamespacedHorizontalPodAutoscaler({ name, namespace }),
  );
  const current = { min: hpa.spec.minReplicas ?? 1, max: hpa.spec.maxReplicas };
  const plan = planHpaBounds(current, context.inputs);
  await callApi(
    what,
    autoscaling.patchNamespacedHorizontalPodAutoscaler(
      {
        name,
        namespace,
        body: {
          metadata: { resourceVersion: hpa.metadata?.resourceVersion },
          spec: { minReplicas: plan.minReplicas, maxReplicas: plan.maxReplicas },
        },
      },
      mergePatch,
    ),
  );
  context.log.info({ namespace, name, previous: current, ...plan }, 'updated');
  return {
    previousMinReplicas: current.min,
    previousMaxReplicas: current.max,
    ...plan,
  };
});
