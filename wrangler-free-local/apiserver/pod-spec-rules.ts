// Pod spec rules that workloads built by code get wrong and a real server rejects:
// environment variable names, volumeMounts that name no volume, volumes without a source,
// resource quantities (a bad quantity fails decoding: 400) and requests above limits.
// Also the PersistentVolumeClaim and Lease rules the dispatcher's objects meet.

import { parseQuantity as parseQuantityText } from '../../src/kube/quantity.ts';
import { newBadRequest, type StatusCause } from './status-error.ts';

type JsonMap = Record<string, unknown>;

function asMap(v: unknown): JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonMap) : {};
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The value of a resource.Quantity; a malformed one fails like the real decoder (400). */
export function parseQuantity(text: unknown): number {
  const value =
    typeof text === 'string' || typeof text === 'number' ? parseQuantityText(text) : undefined;
  if (value === undefined) {
    throw newBadRequest(
      `quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
    );
  }
  return value;
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

function checkContainer(c: JsonMap, path: string, volumes: Set<string>): StatusCause[] {
  const causes: StatusCause[] = [];
  asList(c['env']).forEach((raw, i) => {
    const name = asMap(raw)['name'];
    if (typeof name !== 'string' || !ENV_NAME.test(name)) {
      causes.push({
        reason: 'FieldValueInvalid',
        field: `${path}.env[${i}].name`,
        message: `Invalid value: ${JSON.stringify(name ?? '')}: a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')`,
      });
    }
  });
  asList(c['volumeMounts']).forEach((raw, i) => {
    const name = asMap(raw)['name'];
    if (typeof name !== 'string' || !volumes.has(name)) {
      causes.push({
        reason: 'FieldValueNotFound',
        field: `${path}.volumeMounts[${i}].name`,
        message: `Not found: ${JSON.stringify(name ?? '')}`,
      });
    }
  });
  const resources = asMap(c['resources']);
  const limits = asMap(resources['limits']);
  for (const [resource, request] of Object.entries(asMap(resources['requests']))) {
    const limit = limits[resource];
    if (limit !== undefined && parseQuantity(request) > parseQuantity(limit)) {
      causes.push({
        reason: 'FieldValueInvalid',
        field: `${path}.resources.requests`,
        message: `Invalid value: ${JSON.stringify(request)}: must be less than or equal to ${resource} limit of ${typeof limit === 'string' ? limit : JSON.stringify(limit)}`,
      });
    }
  }
  for (const value of Object.values(limits)) parseQuantity(value);
  return causes;
}

const VOLUME_SOURCES = [
  'emptyDir',
  'persistentVolumeClaim',
  'configMap',
  'secret',
  'projected',
  'hostPath',
  'downwardAPI',
  'ephemeral',
  'csi',
  'nfs',
  'image',
];

/** Rules on a pod spec beyond containers and restartPolicy (see builtin-admission.ts). */
export function validatePodSpecDetails(spec: JsonMap, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const volumes = new Set<string>();
  asList(spec['volumes']).forEach((raw, i) => {
    const v = asMap(raw);
    if (typeof v['name'] === 'string') volumes.add(v['name']);
    if (!VOLUME_SOURCES.some((s) => v[s] !== undefined)) {
      causes.push({
        reason: 'FieldValueRequired',
        field: `${path}.volumes[${i}]`,
        message: 'Required value: must specify a volume type',
      });
    }
    const claim = v['persistentVolumeClaim'];
    if (
      claim !== undefined &&
      (typeof asMap(claim)['claimName'] !== 'string' || asMap(claim)['claimName'] === '')
    ) {
      causes.push({
        reason: 'FieldValueRequired',
        field: `${path}.volumes[${i}].persistentVolumeClaim.claimName`,
        message: 'Required value',
      });
    }
  });
  for (const list of ['initContainers', 'containers']) {
    asList(spec[list]).forEach((c, i) =>
      causes.push(...checkContainer(asMap(c), `${path}.${list}[${i}]`, volumes)),
    );
  }
  return causes;
}

export function validatePersistentVolumeClaim(obj: JsonMap): StatusCause[] {
  const spec = asMap(obj['spec']);
  const causes: StatusCause[] = [];
  if (asList(spec['accessModes']).length === 0) {
    causes.push({
      reason: 'FieldValueRequired',
      field: 'spec.accessModes',
      message: 'Required value: at least 1 access mode is required',
    });
  }
  const storage = asMap(asMap(spec['resources'])['requests'])['storage'];
  if (storage === undefined) {
    causes.push({
      reason: 'FieldValueRequired',
      field: 'spec.resources[storage]',
      message: 'Required value',
    });
  } else if (parseQuantity(storage) <= 0) {
    causes.push({
      reason: 'FieldValueInvalid',
      field: 'spec.resources[storage]',
      message: `Invalid value: ${JSON.stringify(storage)}: must be greater than zero`,
    });
  }
  return causes;
}

export function validateLease(obj: JsonMap): StatusCause[] {
  const duration = asMap(obj['spec'])['leaseDurationSeconds'];
  return typeof duration === 'number' && duration <= 0
    ? [
        {
          reason: 'FieldValueInvalid',
          field: 'spec.leaseDurationSeconds',
          message: `Invalid value: ${duration}: must be greater than 0`,
        },
      ]
    : [];
}
