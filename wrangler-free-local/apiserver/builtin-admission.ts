// Defaulting and the validation rules of built-in kinds that clients most often trip over
// (pod spec immutability, Job restartPolicy and generated selector, workload selectors).
// Mutates the object for defaults; returns causes for a 422.

import type { StoredObject } from './object-store.ts';
import { convertLabelSelector, matchLabels } from './selectors.ts';
import { removeKey } from './patch.ts';
import type { StatusCause } from './status-error.ts';
import { validateEventCreate } from './event-validation.ts';
import { validateName } from './object-meta.ts';
import { validateDisruptionBudget } from './disruption-budget-rules.ts';
import {
  validateLease,
  validatePersistentVolumeClaim,
  validatePodSpecDetails,
} from './pod-spec-rules.ts';

type JsonMap = Record<string, unknown>;

function asMap(v: unknown): JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonMap) : {};
}

function ensureMap(parent: JsonMap, key: string): JsonMap {
  const current = parent[key];
  if (typeof current === 'object' && current !== null && !Array.isArray(current))
    return current as JsonMap;
  const created: JsonMap = {};
  parent[key] = created;
  return created;
}

function setDefault(target: JsonMap, key: string, value: unknown): void {
  if (target[key] === undefined) target[key] = value;
}

function defaultPodSpec(spec: JsonMap): void {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'securityContext', {});
  for (const list of ['containers', 'initContainers']) {
    const containers = spec[list];
    if (!Array.isArray(containers)) continue;
    for (const raw of containers) {
      const c = asMap(raw);
      const image = typeof c['image'] === 'string' ? c['image'] : '';
      const tagged = /:[^/]+$/.test(image) && !image.endsWith(':latest');
      setDefault(c, 'imagePullPolicy', tagged || image.includes('@') ? 'IfNotPresent' : 'Always');
      setDefault(c, 'terminationMessagePath', '/dev/termination-log');
      setDefault(c, 'terminationMessagePolicy', 'File');
      setDefault(c, 'resources', {});
      const ports = c['ports'];
      if (Array.isArray(ports))
        for (const port of ports) setDefault(asMap(port), 'protocol', 'TCP');
    }
  }
}

function validatePodSpec(spec: JsonMap, path: string, restartPolicies: string[]): StatusCause[] {
  const causes: StatusCause[] = [];
  const containers = spec['containers'];
  if (!Array.isArray(containers) || containers.length === 0) {
    causes.push({
      reason: 'FieldValueRequired',
      field: `${path}.containers`,
      message: 'Required value',
    });
  } else {
    containers.forEach((raw, i) => {
      const c = asMap(raw);
      if (typeof c['name'] !== 'string' || c['name'] === '') {
        causes.push({
          reason: 'FieldValueRequired',
          field: `${path}.containers[${i}].name`,
          message: 'Required value',
        });
      } else causes.push(...validateName(c['name'], 'label', `${path}.containers[${i}].name`));
      if (typeof c['image'] !== 'string' || c['image'] === '') {
        causes.push({
          reason: 'FieldValueRequired',
          field: `${path}.containers[${i}].image`,
          message: 'Required value',
        });
      }
    });
  }
  causes.push(...validatePodSpecDetails(spec, path));
  const policy = spec['restartPolicy'];
  if (typeof policy !== 'string' || !restartPolicies.includes(policy)) {
    const valid = restartPolicies.map((p) => `"${p}"`).join(', ');
    causes.push(
      policy === undefined
        ? {
            reason: 'FieldValueRequired',
            field: `${path}.restartPolicy`,
            message: `Required value: valid values: ${valid}`,
          }
        : {
            reason: 'FieldValueNotSupported',
            field: `${path}.restartPolicy`,
            message: `Unsupported value: ${JSON.stringify(policy)}: supported values: ${valid}`,
          },
    );
  }
  return causes;
}

/** The fields a pod update may change (as ValidatePodUpdate allows), blanked for comparison. */
function maskMutablePodFields(spec: unknown): string {
  const copy = structuredClone(asMap(spec));
  for (const list of ['containers', 'initContainers']) {
    const cs = copy[list];
    if (Array.isArray(cs)) for (const c of cs) removeKey(asMap(c), 'image');
  }
  for (const key of [
    'activeDeadlineSeconds',
    'tolerations',
    'terminationGracePeriodSeconds',
    'schedulingGates',
  ])
    removeKey(copy, key);
  return JSON.stringify(copy);
}

function validateWorkloadSelector(obj: StoredObject): StatusCause[] {
  const spec = asMap(obj['spec']);
  if (spec['selector'] === undefined)
    return [{ reason: 'FieldValueRequired', field: 'spec.selector', message: 'Required value' }];
  const labels = asMap(asMap(asMap(spec['template'])['metadata'])['labels']) as Record<
    string,
    string
  >;
  if (!matchLabels(convertLabelSelector(spec['selector']), labels)) {
    return [
      {
        reason: 'FieldValueInvalid',
        field: 'spec.template.metadata.labels',
        message: `Invalid value: ${JSON.stringify(labels)}: \`selector\` does not match template \`labels\``,
      },
    ];
  }
  return [];
}

function immutable(field: string, a: unknown, b: unknown): StatusCause[] {
  return JSON.stringify(a) === JSON.stringify(b)
    ? []
    : [
        {
          reason: 'FieldValueInvalid',
          field,
          message: `Invalid value: ${JSON.stringify(b)}: field is immutable`,
        },
      ];
}

function admitJobCreate(obj: StoredObject): void {
  const spec = ensureMap(obj, 'spec');
  setDefault(spec, 'parallelism', 1);
  setDefault(spec, 'completions', 1);
  setDefault(spec, 'backoffLimit', 6);
  setDefault(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'podReplacementPolicy', 'TerminatingOrFailed');
  const template = ensureMap(spec, 'template');
  defaultPodSpecKeepingRestart(ensureMap(template, 'spec'));
  if (spec['manualSelector'] !== true) {
    // The server generates the selector and pod labels from the Job's uid.
    const uid = obj.metadata.uid;
    const labels = ensureMap(ensureMap(template, 'metadata'), 'labels');
    Object.assign(labels, {
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': obj.metadata.name,
      'controller-uid': uid,
      'job-name': obj.metadata.name,
    });
    spec['selector'] = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  }
}

function defaultPodSpecKeepingRestart(spec: JsonMap): void {
  const policy = spec['restartPolicy'];
  defaultPodSpec(spec);
  if (policy === undefined) delete spec['restartPolicy'];
}

function defaultWorkload(obj: StoredObject, kind: string): void {
  const spec = ensureMap(obj, 'spec');
  if (kind !== 'DaemonSet') setDefault(spec, 'replicas', 1);
  setDefault(spec, 'revisionHistoryLimit', 10);
  if (kind === 'Deployment') {
    setDefault(spec, 'progressDeadlineSeconds', 600);
    setDefault(spec, 'strategy', {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
    });
  }
  defaultPodSpec(ensureMap(ensureMap(spec, 'template'), 'spec'));
}

function admitSecret(obj: StoredObject): void {
  setDefault(obj, 'type', 'Opaque');
  const stringData = obj['stringData'];
  if (stringData !== undefined) {
    // stringData is write-only: merged into data, base64-encoded.
    const data = ensureMap(obj, 'data');
    for (const [k, v] of Object.entries(asMap(stringData)))
      data[k] = Buffer.from(String(v)).toString('base64');
    delete obj['stringData'];
  }
}

/** Defaults and validates a new object of a built-in kind. */
export function admitBuiltinCreate(kind: string, obj: StoredObject): StatusCause[] {
  switch (kind) {
    case 'Pod':
      defaultPodSpec(ensureMap(obj, 'spec'));
      obj['status'] = { phase: 'Pending', qosClass: 'BestEffort' };
      return validatePodSpec(asMap(obj['spec']), 'spec', ['Always', 'OnFailure', 'Never']);
    case 'Job':
      admitJobCreate(obj);
      return validatePodSpec(
        asMap(asMap(asMap(obj['spec'])['template'])['spec']),
        'spec.template.spec',
        ['OnFailure', 'Never'],
      );
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'DaemonSet':
      defaultWorkload(obj, kind);
      return validateWorkloadSelector(obj);
    case 'Namespace':
      obj['spec'] = { finalizers: ['kubernetes'] };
      obj['status'] = { phase: 'Active' };
      obj.metadata.labels = {
        ...obj.metadata.labels,
        'kubernetes.io/metadata.name': obj.metadata.name,
      };
      return [];
    case 'Secret':
      admitSecret(obj);
      return [];
    case 'PersistentVolumeClaim':
      obj['status'] = { phase: 'Pending' };
      return validatePersistentVolumeClaim(obj);
    case 'Lease':
      return validateLease(obj);
    case 'Event':
      return validateEventCreate(obj);
    case 'PodDisruptionBudget':
      obj['status'] = {
        disruptionsAllowed: 0,
        currentHealthy: 0,
        desiredHealthy: 0,
        expectedPods: 0,
      };
      return validateDisruptionBudget(obj);
    default:
      return [];
  }
}

/** ConfigMaps and Secrets marked immutable keep their data (and the mark) for good. */
function checkImmutableData(obj: StoredObject, old: StoredObject): StatusCause[] {
  if (old['immutable'] !== true) return [];
  const causes: StatusCause[] = [];
  if (obj['immutable'] !== true) {
    causes.push({
      reason: 'FieldValueForbidden',
      field: 'immutable',
      message: 'Forbidden: field is immutable when `immutable` is set',
    });
  }
  for (const key of ['data', 'binaryData', 'stringData']) {
    if (
      JSON.stringify(obj[key]) !== JSON.stringify(old[key]) &&
      !(key === 'stringData' && obj[key] === undefined)
    ) {
      causes.push({
        reason: 'FieldValueForbidden',
        field: key,
        message: 'Forbidden: field is immutable when `immutable` is set',
      });
    }
  }
  return causes;
}

/** Validates an update of a built-in kind against its previous state. */
export function admitBuiltinUpdate(
  kind: string,
  obj: StoredObject,
  old: StoredObject,
): StatusCause[] {
  switch (kind) {
    case 'Pod': {
      defaultPodSpec(ensureMap(obj, 'spec'));
      if (maskMutablePodFields(obj['spec']) !== maskMutablePodFields(old['spec'])) {
        return [
          {
            reason: 'FieldValueForbidden',
            field: 'spec',
            message:
              'Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
          },
        ];
      }
      return [];
    }
    case 'Job': {
      const [spec, oldSpec] = [asMap(obj['spec']), asMap(old['spec'])];
      for (const key of ['selector', 'completions', 'completionMode', 'manualSelector']) {
        if (spec[key] === undefined) spec[key] = oldSpec[key];
      }
      defaultPodSpecKeepingRestart(ensureMap(ensureMap(spec, 'template'), 'spec'));
      return [
        ...immutable('spec.selector', oldSpec['selector'], spec['selector']),
        ...immutable('spec.completions', oldSpec['completions'], spec['completions']),
        ...(oldSpec['suspend'] === true
          ? []
          : immutable('spec.template', oldSpec['template'], spec['template'])),
      ];
    }
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'DaemonSet':
      defaultWorkload(obj, kind);
      return [
        ...validateWorkloadSelector(obj),
        ...immutable(
          'spec.selector',
          asMap(old['spec'])['selector'],
          asMap(obj['spec'])['selector'],
        ),
      ];
    case 'Secret':
      admitSecret(obj);
      return checkImmutableData(obj, old);
    case 'ConfigMap':
      return checkImmutableData(obj, old);
    case 'Lease':
      return validateLease(obj);
    case 'Namespace':
      obj['spec'] = old['spec'];
      return [];
    case 'PodDisruptionBudget':
      return validateDisruptionBudget(obj);
    default:
      return [];
  }
}
