/**
 * Scaling through the scale subresource, as `kubectl scale` does: it needs only
 * `<kind>/scale` permissions, and the resourceVersion of the Scale read makes the write
 * optimistic (a concurrent change fails the patch rather than being overwritten).
 */
import { AppsV1Api, type V1Scale } from '@kubernetes/client-node';
import { mergePatch } from '../../kube/patch-options.ts';
import { invalidInput } from '../runtime/action-error.ts';
import type { ActionContext } from '../runtime/define-action.ts';
import { callApi } from '../runtime/kube-calls.ts';

export interface ScaleInputs {
  namespace: string;
  replicas: number;
  maxReplicas: number;
}

export type ScalableKind = 'Deployment' | 'StatefulSet';

export async function scaleWorkload(
  context: ActionContext<ScaleInputs>,
  kind: ScalableKind,
  name: string,
): Promise<{ previousReplicas: number; replicas: number }> {
  const { namespace, replicas, maxReplicas } = context.inputs;
  if (replicas < 0) throw invalidInput('replicas', `must be 0 or more, got ${replicas}`);
  if (replicas > maxReplicas) {
    throw invalidInput('replicas', `${replicas} is above the ceiling maxReplicas=${maxReplicas}`);
  }
  const apps = context.api(AppsV1Api);
  const what = `${kind.toLowerCase()} ${namespace}/${name}`;
  const read = (): Promise<V1Scale> =>
    kind === 'Deployment'
      ? apps.readNamespacedDeploymentScale({ name, namespace })
      : apps.readNamespacedStatefulSetScale({ name, namespace });
  const scale = await callApi(what, read());
  const previousReplicas = scale.spec?.replicas ?? 0;
  if (previousReplicas !== replicas) {
    const body = {
      metadata: { resourceVersion: scale.metadata?.resourceVersion },
      spec: { replicas },
    };
    await callApi(
      what,
      kind === 'Deployment'
        ? apps.patchNamespacedDeploymentScale({ name, namespace, body }, mergePatch)
        : apps.patchNamespacedStatefulSetScale({ name, namespace, body }, mergePatch),
    );
  }
  context.log.info({ kind, name, namespace, previousReplicas, replicas }, 'scaled');
  return { previousReplicas, replicas };
}
