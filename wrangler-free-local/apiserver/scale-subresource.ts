// The autoscaling/v1 Scale view of a workload or a CRD with a scale subresource.

import { parseBody, sendJson } from './http-io.ts';
import type { StoredObject } from './object-store.ts';
import { applyJsonPatch, applyMergePatch } from './patch.ts';
import { readWriteOptions } from './request-options.ts';
import { PATCH_TYPES } from './resource-service.ts';
import type { Call, RouteContext } from './resource-routes.ts';
import { newConflict, newMethodNotAllowed, StatusError } from './status-error.ts';
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

/** GET, PUT and PATCH of `<resource>/scale`: the parent's replicas through a Scale. */
export function handleScale(
  ctx: RouteContext,
  call: Call,
  method: string,
  scaleSpec: NonNullable<ResourceType['scale']>,
): void {
  const t = call.route.type;
  const ns = call.route.namespace ?? '';
  const name = call.route.name ?? '';
  const current = ctx.service.get(t, ns, name);
  const scale = buildScale(t, scaleSpec, current);
  if (method === 'GET') {
    sendJson(call.res, 200, JSON.stringify(scale));
    return;
  }
  let wanted: StoredObject;
  if (method === 'PUT') wanted = parseBody(call.body, '') as StoredObject;
  else if (method === 'PATCH') {
    const patch = parseBody(call.body, 'application/json');
    const json = (call.req.headers['content-type'] ?? '').startsWith(PATCH_TYPES.json);
    wanted = (json ? applyJsonPatch(scale, patch) : applyMergePatch(scale, patch)) as StoredObject;
  } else
    throw newMethodNotAllowed('the server does not allow this method on the requested resource');
  const rv = wanted.metadata.resourceVersion;
  if (rv !== '' && rv !== current.metadata.resourceVersion)
    throw newConflict(
      t,
      name,
      'the object has been modified; please apply your changes to the latest version and try again',
    );
  const replicas = (wanted['spec'] as { replicas?: unknown } | undefined)?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw new StatusError(
      422,
      'Invalid',
      `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
    );
  }
  const result = ctx.service.update(
    t,
    ns,
    name,
    applyScale(scaleSpec, current, replicas),
    readWriteOptions(call.query),
    undefined,
    false,
  );
  sendJson(call.res, 200, JSON.stringify(buildScale(t, scaleSpec, result.object)));
}
