// The rules of one write, as pure functions: body shape and type meta, admission (schema
// pruning, defaulting and validation, or the built-in rules), preconditions, the metadata a
// client may not change, and the finalizers a delete leaves behind.

import { isDeepStrictEqual } from 'node:util';
import { admitBuiltinCreate, admitBuiltinUpdate } from './builtin-admission.ts';
import { validateCrd, type CrdSpec } from './crd-types.ts';
import {
  validateAnnotations,
  validateLabels,
  validateName,
  validateOwnerReferences,
} from './object-meta.ts';
import type { IncomingObject, ObjectMeta, StoredObject } from './object-store.ts';
import { formatApiVersion, type PropagationPolicy, type ResourceType } from './resource-type.ts';
import { applyDefaults, pruneUnknownFields, validateAgainstSchema } from './schema.ts';
import {
  newBadRequest,
  newConflict,
  newInvalid,
  STALE_OBJECT_MESSAGE,
  type StatusCause,
} from './status-error.ts';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface WriteOptions {
  dryRun: boolean;
  fieldValidation: FieldValidation;
}

export interface DeleteOptions {
  propagationPolicy?: PropagationPolicy;
  preconditions?: { uid?: string; resourceVersion?: string };
  gracePeriodSeconds?: number;
  dryRun?: boolean;
}

export const CRD_STORAGE_KEY = 'apiextensions.k8s.io/customresourcedefinitions';

/** Finalizers the REST layer itself adds on delete, for the in-server controllers to clear. */
const DELETE_FINALIZERS: Record<string, string> = {
  CustomResourceDefinition: 'customresourcecleanup.apiextensions.k8s.io',
};

/**
 * A terminating namespace stays until its spec.finalizers (the namespace controller's
 * `kubernetes`) are cleared through /finalize, besides its metadata.finalizers.
 */
export function hasPendingSpecFinalizers(o: StoredObject): boolean {
  if (o.kind !== 'Namespace' || o.apiVersion !== 'v1') return false;
  const finalizers = (o['spec'] as { finalizers?: unknown[] } | undefined)?.finalizers;
  return Array.isArray(finalizers) && finalizers.length > 0;
}

export function refOf(
  t: ResourceType,
  name = '',
): { group: string; resource: string; name: string } {
  return { group: t.group, resource: t.resource, name };
}

/** Content that drives metadata.generation: everything but metadata (and status when split). */
export function isSameGenerationContent(
  t: ResourceType,
  a: StoredObject,
  b: StoredObject,
): boolean {
  const content = (o: StoredObject): unknown => ({
    ...o,
    metadata: null,
    status: t.hasStatus ? null : o['status'],
  });
  return isDeepStrictEqual(content(a), content(b));
}

/** Equal apart from resourceVersion, whatever the key order. */
export function isSameObject(a: StoredObject, b: StoredObject): boolean {
  const comparable = (o: StoredObject): unknown => ({
    ...o,
    metadata: { ...o.metadata, resourceVersion: '' },
  });
  return isDeepStrictEqual(comparable(a), comparable(b));
}

/** apiVersion, kind, metadata first, as the real server serializes. */
export function orderFields(o: StoredObject): StoredObject {
  return Object.assign({ apiVersion: o.apiVersion, kind: o.kind, metadata: o.metadata }, o);
}

/** The body as an object with an object `metadata`, or 400 BadRequest. */
export function readIncoming(input: unknown): IncomingObject & { metadata: Partial<ObjectMeta> } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw newBadRequest('the body of the request must be a JSON object');
  }
  const body = input as IncomingObject;
  const meta: unknown = body.metadata ?? {};
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) {
    throw newBadRequest('metadata must be an object');
  }
  body.metadata = meta;
  return body as IncomingObject & { metadata: Partial<ObjectMeta> };
}

export function checkTypeMeta(t: ResourceType, body: IncomingObject): void {
  // Typed decoding fills a missing kind from the URL; unstructured (custom) decoding does not.
  if (body.kind === undefined && t.schema !== undefined) {
    throw newBadRequest(`Object 'Kind' is missing in '${JSON.stringify(body)}'`);
  }
  body.kind ??= t.kind;
  body.apiVersion ??= formatApiVersion(t);
  const group = body.apiVersion.includes('/') ? (body.apiVersion.split('/')[0] ?? '') : '';
  if (group !== t.group) {
    throw newBadRequest(
      `the API version in the data (${body.apiVersion}) does not match the expected API version (${formatApiVersion(t)})`,
    );
  }
  if (body.kind !== t.kind) {
    throw newBadRequest(
      `the kind in the data (${body.kind}) does not match the expected kind (${t.kind})`,
    );
  }
  body.apiVersion = formatApiVersion(t);
}

/** Prunes, defaults and validates a custom resource; metadata and typed rules for built-ins. */
export function admitObject(
  t: ResourceType,
  obj: StoredObject,
  opts: WriteOptions,
  old: StoredObject | undefined,
): string[] {
  const causes: StatusCause[] = [
    ...validateName(obj.metadata.name, t.nameRule),
    ...validateLabels(obj.metadata.labels),
    ...validateAnnotations(obj.metadata.annotations),
    ...validateOwnerReferences(obj.metadata.ownerReferences),
  ];
  const warnings: string[] = [];
  if (t.schema !== undefined) {
    const pruned = pruneUnknownFields(t.schema, obj);
    if (pruned.length > 0 && opts.fieldValidation === 'Strict') {
      const fields = pruned.map((p) => `unknown field "${p}"`).join(', ');
      throw newBadRequest(
        `${t.kind} in version "${t.version}" cannot be handled as a ${t.kind}: strict decoding error: ${fields}`,
      );
    }
    if (opts.fieldValidation === 'Warn')
      warnings.push(...pruned.map((p) => `unknown field "${p}"`));
    applyDefaults(t.schema, obj);
    causes.push(...validateAgainstSchema(t.schema, obj));
  } else if (t.storageKey === CRD_STORAGE_KEY) {
    causes.push(...validateCrd(obj.metadata.name, obj['spec'] as CrdSpec | undefined));
  } else if (t.strategicMerge) {
    causes.push(
      ...(old === undefined
        ? admitBuiltinCreate(t.kind, obj)
        : admitBuiltinUpdate(t.kind, obj, old)),
    );
  }
  if (causes.length > 0) throw newInvalid(t.kind, t.group, obj.metadata.name, causes);
  return warnings;
}

export function checkNewFinalizers(t: ResourceType, next: StoredObject, old: StoredObject): void {
  if (old.metadata.deletionTimestamp === undefined) return;
  const added = (next.metadata.finalizers ?? []).filter(
    (f) => !(old.metadata.finalizers ?? []).includes(f),
  );
  if (added.length > 0) {
    throw newInvalid(t.kind, t.group, old.metadata.name, [
      {
        reason: 'FieldValueForbidden',
        field: 'metadata.finalizers',
        message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
      },
    ]);
  }
}

/** A stale resourceVersion is a Conflict; custom resources need one at all for PUT. */
export function checkUpdatePrecondition(
  t: ResourceType,
  name: string,
  rv: string | undefined,
  old: StoredObject,
  conditional: boolean,
): void {
  if (rv === undefined || rv === '') {
    if (conditional && t.schema !== undefined) {
      throw newInvalid(t.kind, t.group, name, [
        {
          reason: 'FieldValueInvalid',
          field: 'metadata.resourceVersion',
          message: 'Invalid value: 0x0: must be specified for an update',
        },
      ]);
    }
  } else if (rv !== old.metadata.resourceVersion) {
    throw newConflict(refOf(t), name, STALE_OBJECT_MESSAGE);
  }
}

/** Identity, timestamps and deletion state come from the stored object, never the client. */
export function carryMetadata(t: ResourceType, next: StoredObject, old: StoredObject): void {
  const m = next.metadata;
  Object.assign(m, {
    name: old.metadata.name,
    uid: old.metadata.uid,
    creationTimestamp: old.metadata.creationTimestamp,
    resourceVersion: old.metadata.resourceVersion,
  });
  if (t.namespaced) m.namespace = old.metadata.namespace;
  else delete m.namespace;
  if (old.metadata.deletionTimestamp === undefined) delete m.deletionTimestamp;
  else {
    m.deletionTimestamp = old.metadata.deletionTimestamp;
    m.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
  }
  // generation is the server's: carried over, and bumped by the caller on spec changes.
  if (t.tracksGeneration) m.generation = old.metadata.generation ?? 1;
  else if (old.metadata.generation === undefined) delete m.generation;
  else m.generation = old.metadata.generation;
}

export function checkDeletePreconditions(
  t: ResourceType,
  old: StoredObject,
  pre: DeleteOptions['preconditions'],
): void {
  const name = old.metadata.name;
  if (pre?.uid !== undefined && pre.uid !== old.metadata.uid) {
    throw newConflict(
      refOf(t),
      name,
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`,
    );
  }
  if (pre?.resourceVersion !== undefined && pre.resourceVersion !== old.metadata.resourceVersion) {
    throw newConflict(
      refOf(t),
      name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`,
    );
  }
}

/** The finalizers a delete leaves: the object's, plus propagation's and the REST layer's own. */
export function planDeleteFinalizers(
  t: ResourceType,
  old: StoredObject,
  policy: PropagationPolicy,
): string[] {
  const finalizers = [...(old.metadata.finalizers ?? [])];
  const gcFinalizer =
    policy === 'Foreground' ? 'foregroundDeletion' : policy === 'Orphan' ? 'orphan' : undefined;
  if (gcFinalizer !== undefined && !finalizers.includes(gcFinalizer)) finalizers.push(gcFinalizer);
  const own =
    t.strategicMerge || t.storageKey === CRD_STORAGE_KEY ? DELETE_FINALIZERS[t.kind] : undefined;
  if (
    own !== undefined &&
    !finalizers.includes(own) &&
    old.metadata.deletionTimestamp === undefined
  ) {
    finalizers.push(own);
  }
  return finalizers;
}

/**
 * Whether a pod delete is graceful: a bound pod that has not finished stays, marked with a
 * future deletionTimestamp, until its kubelet deletes it again with grace period 0.
 */
export function readPodGracePeriod(old: StoredObject, requested: number | undefined): number {
  const spec = (old['spec'] ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
  const phase = ((old['status'] ?? {}) as { phase?: string }).phase;
  if (
    spec.nodeName === undefined ||
    spec.nodeName === '' ||
    phase === 'Succeeded' ||
    phase === 'Failed'
  )
    return 0;
  return Math.max(0, requested ?? spec.terminationGracePeriodSeconds ?? 30);
}
