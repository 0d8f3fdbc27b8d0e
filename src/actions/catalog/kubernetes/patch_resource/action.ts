/**
 * A JSON merge patch on one object of an allowlisted kind (the contract's enum), refusing
 * patches that touch identity, ownership, status or a workload's pod spec.
 */
import { KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { invalidInput } from '../../../runtime/action-error.ts';
import { defineAction } from '../../../runtime/define-action.ts';
import { callApi } from '../../../runtime/kube-calls.ts';
import {
  forbiddenPatchPaths,
  PATCHABLE_KINDS,
  type PatchableKind,
} from '../../../lib/patch-guard.ts';

export default defineAction<{
  namespace: string;
  kind: PatchableKind;
  name: string;
  patch: Record<string, unknown>;
}>(async (context) => {
  const { namespace, kind, name, patch } = context.inputs;
  const forbidden = forbiddenPatchPaths(patch);
  if (forbidden.length > 0) {
    throw invalidInput('patch', `may not set ${forbidden.join(', ')}`);
  }
  const objects = KubernetesObjectApi.makeApiClient(context.kubeConfig());
  const what = `${kind.toLowerCase()} ${namespace}/${name}`;
  const patched = await callApi(
    what,
    objects.patch<KubernetesObject>(
      {
        ...patch,
        apiVersion: PATCHABLE_KINDS[kind],
        kind,
        metadata: { ...(patch.metadata as object | undefined), name, namespace },
      },
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.MergePatch,
    ),
  );
  const resourceVersion = patched.metadata?.resourceVersion ?? '';
  context.log.info({ kind, namespace, name, resourceVersion }, 'patched');
  return { kind, name, resourceVersion };
});
