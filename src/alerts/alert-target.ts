/**
 * Where an alert points: the resource a run remediates, as `namespace/Kind/name`. A template
 * may say it (`spec.target`, with placeholders); otherwise the alert's labels do, in the
 * names kube-state-metrics and the Prometheus Kubernetes mixins use. A pod or ReplicaSet is
 * only where the symptom shows: it is resolved up its owner chain through the API (see
 * src/intake/owner-chain.ts), so alerts on five pods of one Deployment name one target.
 */
import { TARGET_PATTERN } from '../api/workflow-execution.ts';
import { renderPlaceholders, type PlaceholderValues } from './placeholders.ts';

export type TargetQuery =
  /** Known as is. */
  | { type: 'fixed'; target: string }
  /** A pod or ReplicaSet whose controlling owner is the target. */
  | { type: 'owner'; namespace: string; kind: 'Pod' | 'ReplicaSet'; name: string }
  | { type: 'none'; reason: string };

/** Workload labels that name the target directly, in order of preference. */
const WORKLOAD_LABELS: readonly (readonly [label: string, kind: string])[] = [
  ['deployment', 'Deployment'],
  ['statefulset', 'StatefulSet'],
  ['daemonset', 'DaemonSet'],
  ['job_name', 'Job'],
  ['cronjob', 'CronJob'],
];

const TARGET_RE = new RegExp(TARGET_PATTERN);

export function targetQueryFor(
  templateTarget: string | undefined,
  values: PlaceholderValues,
): TargetQuery {
  if (templateTarget !== undefined) return fixedTarget(templateTarget, values);
  const labels = values.labels;
  const namespace = labels.namespace;
  if (namespace) {
    for (const [label, kind] of WORKLOAD_LABELS) {
      const name = labels[label];
      if (name) return { type: 'fixed', target: `${namespace}/${kind}/${name}` };
    }
    if (labels.replicaset) {
      return { type: 'owner', namespace, kind: 'ReplicaSet', name: labels.replicaset };
    }
    if (labels.pod) return { type: 'owner', namespace, kind: 'Pod', name: labels.pod };
  }
  if (labels.node) return { type: 'fixed', target: `Node/${labels.node}` };
  return {
    type: 'none',
    reason:
      'no target: the template has no spec.target and the alert has no namespace label with ' +
      'deployment, statefulset, daemonset, job_name, cronjob, replicaset or pod (nor a node label)',
  };
}

function fixedTarget(template: string, values: PlaceholderValues): TargetQuery {
  const rendered = renderPlaceholders(template, values);
  if (!rendered.ok) {
    return {
      type: 'none',
      reason: `spec.target: the alert has no value for ${rendered.missing.join(', ')}`,
    };
  }
  if (!TARGET_RE.test(rendered.text)) {
    return {
      type: 'none',
      reason: `spec.target: "${rendered.text}" is not namespace/Kind/name or Kind/name`,
    };
  }
  return { type: 'fixed', target: rendered.text };
}

/** The next hop up an owner chain: the controlling owner reference, if any. */
export interface OwnerReferenceLike {
  kind?: string;
  name?: string;
  controller?: boolean;
}

export function controllingOwner(
  references: readonly OwnerReferenceLike[] | undefined,
): { kind: string; name: string } | undefined {
  const owner = references?.find((reference) => reference.controller === true);
  return owner?.kind && owner.name ? { kind: owner.kind, name: owner.name } : undefined;
}
