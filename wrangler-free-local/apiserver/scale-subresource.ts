// The autoscaling/v1 Scale view of a workload or a CRD with a scale subresource.

import type { StoredObject } from './object-store.ts';
import type { ResourceType, ScaleSubresource } from './resource-type.ts';
import { convertLabelSelector, formatLabelSelector } from './selectors.ts';
import { evaluateJsonPath } from './table.ts';

function readNumber(obj: unknown, path: string): number {
  const v = evaluateJsonPath(obj, path)[0];
  return typeof v === 'number' ? v : 0;
}

function readSelector(obj: StoredObject, scale: ScaleSubresource, builtin: boolean): string {
  if (scale.labelSelectorPath === undefined) return '';
  const v = evaluateJsonPath(obj, scale.labelSelectorPath)[0];
  if (typeof v === 'string') return v;
  return builtin ? formatLabelSelector(convertLabelSelector(v)) : '';
}

export function buildScale(
  t: ResourceType,
  scale: ScaleSubresource,
  obj: StoredObject,
): StoredObject {
  const m = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: m.name,
      ...(m.namespace === undefined ? {} : { namespace: m.namespace }),
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: readNumber(obj, scale.specReplicasPath) },
    status: {
      replicas: readNumber(obj, scale.statusReplicasPath),
      selector: readSelector(obj, scale, t.strategicMerge),
    },
  };
}

/** The parent with spec replicas taken from a Scale (a copy; creates missing parents). */
export function applyScale(
  scale: ScaleSubresource,
  obj: StoredObject,
  replicas: number,
): StoredObject {
  const next = structuredClone(obj);
  const parts = scale.specReplicasPath.replace(/^\./, '').split('.');
  let current: Record<string, unknown> = next;
  for (const part of parts.slice(0, -1)) {
    const child = current[part];
    if (typeof child !== 'object' || child === null) current[part] = {};
    current = current[part] as Record<string, unknown>;
  }
  current[parts[parts.length - 1] ?? 'replicas'] = replicas;
  return next;
}
