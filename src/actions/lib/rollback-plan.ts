/**
 * Which pod template a Deployment rolls back to (pure), as `kubectl rollout undo` decides:
 * the ReplicaSets the Deployment controls, by their deployment.kubernetes.io/revision; 0
 * means the revision before the current one; the template is the ReplicaSet's without its
 * pod-template-hash label.
 */
import type { V1Deployment, V1PodTemplateSpec, V1ReplicaSet } from '@kubernetes/client-node';
import { ActionError } from '../runtime/action-error.ts';
import { controllerOf } from './owner-workload.ts';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
const HASH_LABEL = 'pod-template-hash';

export interface RollbackPlan {
  fromRevision: number;
  toRevision: number;
  template: V1PodTemplateSpec;
}

export const revisionOf = (object: {
  metadata?: { annotations?: Record<string, string> };
}): number => Number(object.metadata?.annotations?.[REVISION_ANNOTATION] ?? '0') || 0;

export function planRollback(
  deployment: V1Deployment,
  replicaSets: readonly V1ReplicaSet[],
  wanted: number,
): RollbackPlan {
  const name = deployment.metadata?.name ?? '';
  if (deployment.spec?.paused) {
    throw new ActionError(
      'Refused',
      `deployment "${name}" is paused: resume it before rolling back`,
    );
  }
  const uid = deployment.metadata?.uid;
  const history = replicaSets
    .filter((rs) => controllerOf(rs.metadata)?.uid === uid && revisionOf(rs) > 0)
    .sort((a, b) => revisionOf(b) - revisionOf(a));
  const fromRevision = history[0] ? revisionOf(history[0]) : 0;
  if (wanted === 0 && history.length < 2) {
    throw new ActionError(
      'Failed',
      `deployment "${name}" has no previous revision to roll back to`,
    );
  }
  const toRevision = wanted === 0 ? revisionOf(history[1] ?? {}) : wanted;
  const target = history.find((rs) => revisionOf(rs) === toRevision);
  if (!target?.spec?.template) {
    const known = history.map(revisionOf).join(', ');
    throw new ActionError(
      'NotFound',
      `revision ${toRevision} of deployment "${name}" not found (revisions: ${known})`,
    );
  }
  if (toRevision === fromRevision) {
    throw new ActionError(
      'Refused',
      `revision ${toRevision} is already the current one of deployment "${name}"`,
    );
  }
  const labels = Object.fromEntries(
    Object.entries(target.spec.template.metadata?.labels ?? {}).filter(
      ([key]) => key !== HASH_LABEL,
    ),
  );
  const template = {
    ...target.spec.template,
    metadata: { ...target.spec.template.metadata, labels },
  };
  return { fromRevision, toRevision, template };
}
