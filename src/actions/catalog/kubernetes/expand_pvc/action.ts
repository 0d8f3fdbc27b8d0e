/**
 * Grows a PersistentVolumeClaim (volume expansion), by a factor or to a size, within a
 * ceiling. Claims only grow; the API server refuses it unless the claim's StorageClass has
 * allowVolumeExpansion, and that refusal is reported as is.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import { formatBytes, parseQuantity } from '../../../../kube/quantity.ts';
import { mergePatch } from '../../../../kube/patch-options.ts';
import { ActionError, invalidInput } from '../../../runtime/action-error.ts';
import { defineAction } from '../../../runtime/define-action.ts';
import { callApi } from '../../../runtime/kube-calls.ts';

export default defineAction<{
  namespace: string;
  pvc: string;
  factor: number;
  size?: string;
  ceiling: string;
}>(async (context) => {
  const { namespace, pvc: name, factor, size, ceiling } = context.inputs;
  const limit = parseQuantity(ceiling) ?? 0;
  if (size === undefined && factor <= 1)
    throw invalidInput('factor', `must be above 1, got ${factor}`);
  const core = context.api(CoreV1Api);
  const what = `persistentvolumeclaim ${namespace}/${name}`;
  const claim = await callApi(what, core.readNamespacedPersistentVolumeClaim({ name, namespace }));
  const previousSize = claim.spec?.resources?.requests?.storage ?? '';
  const current = parseQuantity(previousSize) ?? 0;
  const wanted = size === undefined ? current * factor : (parseQuantity(size) ?? 0);
  const target = Math.min(wanted, limit);
  if (target <= current) {
    throw new ActionError(
      'Refused',
      `${what} requests ${previousSize} already; ${size === undefined ? `the ceiling ${ceiling}` : `size ${size} (ceiling ${ceiling})`} leaves no room to grow it`,
    );
  }
  const newSize = formatBytes(target);
  await callApi(
    what,
    core.patchNamespacedPersistentVolumeClaim(
      {
        name,
        namespace,
        body: {
          metadata: { resourceVersion: claim.metadata?.resourceVersion },
          spec: { resources: { requests: { storage: newSize } } },
        },
      },
      mergePatch,
    ),
  );
  context.log.info({ namespace, name, previousSize, size: newSize }, 'expanded');
  return { previousSize, size: newSize, capped: wanted > limit };
});
