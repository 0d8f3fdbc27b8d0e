/**
 * Rolls a Deployment back to an earlier revision, as `kubectl rollout undo [--to-revision]`:
 * the pod template of that revision's ReplicaSet becomes the Deployment's, guarded by the
 * resourceVersion read so a concurrent change is not overwritten.
 */
import { AppsV1Api } from '@kubernetes/client-node';
import { defineAction } from '../../../runtime/define-action.ts';
import { callApi } from '../../../runtime/kube-calls.ts';
import { invalidInput } from '../../../runtime/action-error.ts';
import { planRollback } from '../../../lib/rollback-plan.ts';
import { patchWorkload } from '../../../lib/workloads.ts';

export default defineAction<{ namespace: string; deployment: string; revision: number }>(
  async (context) => {
    const { namespace, deployment: name, revision } = context.inputs;
    if (revision < 0)
      throw invalidInput('revision', `must be 0 (previous) or a revision, got ${revision}`);
    const target = { kind: 'Deployment' as const, namespace, name };
    const apps = context.api(AppsV1Api);
    const deployment = await callApi(
      `deployment ${namespace}/${name}`,
      apps.readNamespacedDeployment({ name, namespace }),
    );
    const selector = Object.entries(deployment.spec?.selector.matchLabels ?? {})
      .map(([key, value]) => `${key}=${value}`)
      .join(',');
    const replicaSets = await callApi(
      `replicasets of deployment ${namespace}/${name}`,
      apps.listNamespacedReplicaSet({ namespace, labelSelector: selector }),
    );
    const plan = planRollback(deployment, replicaSets.items, revision);
    await patchWorkload(context, target, [
      {
        op: 'test',
        path: '/metadata/resourceVersion',
        value: deployment.metadata?.resourceVersion,
      },
      { op: 'replace', path: '/spec/template', value: plan.template },
    ]);
    context.log.info({ name, namespace, ...plan, template: undefined }, 'rolled back');
    return { fromRevision: plan.fromRevision, toRevision: plan.toRevision };
  },
);
