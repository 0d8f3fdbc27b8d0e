// PersistentVolumeClaim rules that need other objects: the DefaultStorageClass admission
// plugin (a claim without a class gets the default one) and volume expansion — a bound
// claim may only grow, and only when its StorageClass has allowVolumeExpansion, as the
// PersistentVolumeClaimResize admission plugin and claim update validation decide.

import type { StoredObject } from './object-store.ts';
import { parseQuantity } from './pod-spec-rules.ts';
import { newForbidden, newInvalid } from './status-error.ts';

export const STORAGE_CLASSES_KEY = 'storage.k8s.io/storageclasses';
export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
const CLAIMS = { group: '', resource: 'persistentvolumeclaims' };

type JsonMap = Record<string, unknown>;
const asMap = (v: unknown): JsonMap =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonMap) : {};

export interface StorageClasses {
  get(name: string): StoredObject | undefined;
  list(): StoredObject[];
}

/** On create: no storageClassName means the default class, when there is one. */
export function defaultClaimClass(claim: StoredObject, classes: StorageClasses): void {
  const spec = asMap(claim['spec']);
  if (spec['storageClassName'] !== undefined) return;
  const defaults = classes
    .list()
    .filter((c) => c.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true');
  // The newest default wins, as in Kubernetes 1.26+.
  defaults.sort((a, b) => b.metadata.creationTimestamp.localeCompare(a.metadata.creationTimestamp));
  const chosen = defaults[0]?.metadata.name;
  if (chosen !== undefined) claim['spec'] = { ...spec, storageClassName: chosen };
}

const storageOf = (claim: StoredObject): unknown =>
  asMap(asMap(asMap(claim['spec'])['resources'])['requests'])['storage'];

/** On update of the main resource: what may change, and growth only where the class allows. */
export function checkClaimUpdate(
  claim: StoredObject,
  old: StoredObject,
  classes: StorageClasses,
): void {
  const name = claim.metadata.name;
  const [wanted, before] = [storageOf(claim), storageOf(old)];
  if (JSON.stringify(wanted) === JSON.stringify(before)) return;
  const [size, previous] = [parseQuantity(wanted), parseQuantity(before)];
  if (asMap(old['status'])['phase'] !== 'Bound') {
    throw newInvalid('PersistentVolumeClaim', '', name, [
      {
        reason: 'FieldValueForbidden',
        field: 'spec',
        message:
          'Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
      },
    ]);
  }
  if (size < previous) {
    throw newInvalid('PersistentVolumeClaim', '', name, [
      {
        reason: 'FieldValueForbidden',
        field: 'spec.resources.requests.storage',
        message: 'Forbidden: field can not be less than previous value',
      },
    ]);
  }
  const className = asMap(claim['spec'])['storageClassName'];
  const storageClass = typeof className === 'string' ? classes.get(className) : undefined;
  if (storageClass?.['allowVolumeExpansion'] !== true) {
    throw newForbidden(
      { ...CLAIMS, name },
      name,
      'only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize',
    );
  }
}
