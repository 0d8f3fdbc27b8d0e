// The generic registry: get, list, create, update, patch and delete with the semantics of
// the real API server's generic store (resourceVersion preconditions, generation, status
// subresource, finalizers, schema admission). Knows nothing of HTTP.

import { isDeepStrictEqual } from 'node:util';
import { validateCrd, type CrdSpec } from './crd-types.ts';
import { admitBuiltinCreate, admitBuiltinUpdate } from './builtin-admission.ts';
import {
  formatTimestamp,
  generateName,
  generateUid,
  validateLabels,
  validateName,
} from './object-meta.ts';
import type { IncomingObject, ObjectMeta, ObjectStore, StoredObject } from './object-store.ts';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, PatchError } from './patch.ts';
import { formatApiVersion, type PropagationPolicy, type ResourceType } from './resource-type.ts';
import { applyDefaults, pruneUnknownFields, validateAgainstSchema } from './schema.ts';
import {
  newAlreadyExists,
  newBadRequest,
  newConflict,
  newForbidden,
  newInternalError,
  newInvalid,
  newNotFound,
  newUnsupportedMediaType,
  STALE_OBJECT_MESSAGE,
  StatusError,
  type StatusCause,
} from './status-error.ts';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface WriteOptions {
  dryRun: boolean;
  fieldValidation: FieldValidation;
}

export interface WriteResult {
  object: StoredObject;
  warnings: string[];
}

export interface DeleteOptions {
  propagationPolicy?: PropagationPolicy;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

const NAMESPACES = { group: '', resource: 'namespaces' };
export const CRD_STORAGE_KEY = 'apiextensions.k8s.io/customresourcedefinitions';

/** Finalizers the REST layer itself adds on delete, for the in-server controllers to clear. */
const DELETE_FINALIZERS: Record<string, string> = {
  Namespace: 'kubernetes',
  CustomResourceDefinition: 'customresourcecleanup.apiextensions.k8s.io',
};

function refOf(t: ResourceType, name = ''): { group: string; resource: string; name: string } {
  return { group: t.group, resource: t.resource, name };
}

/** Content that drives metadata.generation: everything but metadata (and status when split). */
function isSameGenerationContent(t: ResourceType, a: StoredObject, b: StoredObject): boolean {
  const content = (o: StoredObject): unknown => ({
    ...o,
    metadata: null,
    status: t.hasStatus ? null : o['status'],
  });
  return isDeepStrictEqual(content(a), content(b));
}

/** Equal apart from resourceVersion, whatever the key order. */
function isSameObject(a: StoredObject, b: StoredObject): boolean {
  const comparable = (o: StoredObject): unknown => ({
    ...o,
    metadata: { ...o.metadata, resourceVersion: '' },
  });
  return isDeepStrictEqual(comparable(a), comparable(b));
}

/** apiVersion, kind, metadata first, as the real server serializes. */
function orderFields(o: StoredObject): StoredObject {
  return Object.assign({ apiVersion: o.apiVersion, kind: o.kind, metadata: o.metadata }, o);
}

/** The body as an object with an object `metadata`, or 400 BadRequest. */
function readIncoming(input: unknown): IncomingObject & { metadata: Partial<ObjectMeta> } {
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

export class ResourceService {
  private readonly store: ObjectStore;
  private readonly now: () => number;

  constructor(store: ObjectStore, now: () => number = Date.now) {
    this.store = store;
    this.now = now;
  }

  get(t: ResourceType, namespace: string, name: string): StoredObject {
    const obj = this.store.get(t.storageKey, t.namespaced ? namespace : '', name);
    if (obj === undefined) throw newNotFound(refOf(t), name);
    return obj;
  }

  private checkNamespace(t: ResourceType, namespace: string, creating: boolean): void {
    if (!t.namespaced) return;
    const ns = this.store.get('/namespaces', '', namespace);
    if (ns === undefined) throw newNotFound(NAMESPACES, namespace);
    if (creating && ns.metadata.deletionTimestamp !== undefined) {
      throw newForbidden(
        refOf(t),
        '',
        `unable to create new content in namespace ${namespace} because it is being terminated`,
      );
    }
  }

  private checkTypeMeta(t: ResourceType, body: IncomingObject): void {
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
  private admit(
    t: ResourceType,
    obj: StoredObject,
    opts: WriteOptions,
    old: StoredObject | undefined,
  ): string[] {
    const causes: StatusCause[] = [
      ...validateName(obj.metadata.name, t.nameRule),
      ...validateLabels(obj.metadata.labels),
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

  create(t: ResourceType, namespace: string, input: unknown, opts: WriteOptions): WriteResult {
    const body = readIncoming(input);
    this.checkTypeMeta(t, body);
    const meta = body.metadata;
    if (t.namespaced) {
      if (meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== namespace) {
        throw newBadRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      meta.namespace = namespace;
    } else delete meta.namespace;
    if (meta.resourceVersion !== undefined && meta.resourceVersion !== '') {
      throw newInternalError('resourceVersion should not be set on objects to be created');
    }
    if (meta.name === undefined || meta.name === '') {
      if (meta.generateName === undefined || meta.generateName === '') {
        throw newInvalid(t.kind, t.group, '', [
          {
            reason: 'FieldValueRequired',
            field: 'metadata.name',
            message: 'Required value: name or generateName is required',
          },
        ]);
      }
      meta.name = generateName(meta.generateName);
    }
    this.checkNamespace(t, namespace, true);
    if (this.store.get(t.storageKey, meta.namespace ?? '', meta.name) !== undefined)
      throw newAlreadyExists(refOf(t), meta.name);
    meta.uid = generateUid();
    meta.creationTimestamp = formatTimestamp(this.now());
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (t.tracksGeneration) meta.generation = 1;
    else delete meta.generation;
    // With a status subresource, create ignores the status a client sends.
    if (t.hasStatus) delete body['status'];
    // Type meta and metadata are complete from here on.
    const obj = orderFields(body as StoredObject);
    const warnings = this.admit(t, obj, opts, undefined);
    if (!opts.dryRun) {
      const rv = this.store.nextRv();
      obj.metadata.resourceVersion = String(rv);
      this.store.put(t.storageKey, obj, rv);
    }
    return { object: obj, warnings };
  }

  /**
   * Replaces an object (PUT). `subresource` 'status' changes only .status; the main
   * resource keeps the stored status when the type has a status subresource.
   */
  update(
    t: ResourceType,
    namespace: string,
    name: string,
    input: unknown,
    opts: WriteOptions,
    subresource?: 'status',
    conditional = true,
  ): WriteResult {
    const body = readIncoming(input);
    this.checkTypeMeta(t, body);
    const old = this.get(t, namespace, name);
    const meta = body.metadata;
    if (meta.name !== name) {
      throw newBadRequest(
        `the name of the object (${meta.name ?? ''}) does not match the name on the URL (${name})`,
      );
    }
    if (t.namespaced && meta.namespace !== undefined && meta.namespace !== namespace) {
      throw newBadRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    const rv = meta.resourceVersion;
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
    let next: StoredObject;
    if (subresource === 'status') {
      next = { ...structuredClone(old), status: body['status'] };
    } else {
      next = orderFields(body as StoredObject);
      if (t.hasStatus) {
        if (old['status'] === undefined) delete next['status'];
        else next['status'] = structuredClone(old['status']);
      }
      this.checkFinalizers(t, next, old);
    }
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
    if (m.generation === undefined) delete m.generation;
    if (t.tracksGeneration) m.generation = old.metadata.generation ?? 1;
    const warnings = this.admit(t, next, opts, old);
    if (t.tracksGeneration && !isSameGenerationContent(t, next, old)) {
      m.generation = (old.metadata.generation ?? 1) + 1;
    }
    return { object: this.commitUpdate(t, next, old, opts), warnings };
  }

  private checkFinalizers(t: ResourceType, next: StoredObject, old: StoredObject): void {
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

  private commitUpdate(
    t: ResourceType,
    next: StoredObject,
    old: StoredObject,
    opts: WriteOptions,
  ): StoredObject {
    if (next.metadata.finalizers?.length === 0) delete next.metadata.finalizers;
    // A no-op write keeps the resourceVersion and sends no watch event, as etcd3 does.
    if (isSameObject(next, old)) return old;
    if (opts.dryRun) return next;
    const rv = this.store.nextRv();
    next.metadata.resourceVersion = String(rv);
    if (
      next.metadata.deletionTimestamp !== undefined &&
      (next.metadata.finalizers ?? []).length === 0
    ) {
      this.store.remove(t.storageKey, next, rv);
    } else this.store.put(t.storageKey, next, rv);
    return next;
  }

  patch(
    t: ResourceType,
    namespace: string,
    name: string,
    contentType: string,
    patch: unknown,
    opts: WriteOptions,
    subresource?: 'status',
  ): WriteResult {
    const old = this.get(t, namespace, name);
    const current = structuredClone(old);
    let patched: unknown;
    try {
      if (contentType === PATCH_TYPES.merge) patched = applyMergePatch(current, patch);
      else if (contentType === PATCH_TYPES.json) patched = applyJsonPatch(current, patch);
      else if (contentType === PATCH_TYPES.strategic && t.strategicMerge)
        patched = applyStrategicMergePatch(current, patch);
      else {
        const accepted: string[] = [PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.apply];
        if (t.strategicMerge) accepted.splice(2, 0, PATCH_TYPES.strategic);
        throw newUnsupportedMediaType(contentType, accepted);
      }
    } catch (err) {
      if (err instanceof PatchError) throw new StatusError(422, 'Invalid', err.message);
      throw err;
    }
    const result = readIncoming(patched);
    result.metadata.resourceVersion ??= old.metadata.resourceVersion;
    return this.update(t, namespace, name, result, opts, subresource, false);
  }

  /**
   * Server-side apply, approximated: creates the object when absent, else merges the applied
   * configuration (strategic for built-ins). Field ownership is not tracked.
   */
  apply(
    t: ResourceType,
    namespace: string,
    name: string,
    applied: unknown,
    opts: WriteOptions,
  ): WriteResult & { created: boolean } {
    const body = readIncoming(applied);
    if (body.metadata.name !== name) {
      throw newBadRequest(
        `the name of the object (${body.metadata.name ?? ''}) does not match the name on the URL (${name})`,
      );
    }
    if (this.store.get(t.storageKey, t.namespaced ? namespace : '', name) === undefined) {
      return { ...this.create(t, namespace, body, opts), created: true };
    }
    const type = t.strategicMerge ? PATCH_TYPES.strategic : PATCH_TYPES.merge;
    return { ...this.patch(t, namespace, name, type, body, opts), created: false };
  }

  /** Deletes, or marks for deletion while finalizers remain. `finished` is false then. */
  delete(
    t: ResourceType,
    namespace: string,
    name: string,
    opts: DeleteOptions,
  ): { object: StoredObject; finished: boolean } {
    const old = this.get(t, namespace, name);
    const pre = opts.preconditions;
    if (pre?.uid !== undefined && pre.uid !== old.metadata.uid) {
      throw newConflict(
        refOf(t),
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`,
      );
    }
    if (
      pre?.resourceVersion !== undefined &&
      pre.resourceVersion !== old.metadata.resourceVersion
    ) {
      throw newConflict(
        refOf(t),
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`,
      );
    }
    const policy = opts.propagationPolicy ?? t.defaultPropagation;
    const finalizers = [...(old.metadata.finalizers ?? [])];
    const gcFinalizer =
      policy === 'Foreground' ? 'foregroundDeletion' : policy === 'Orphan' ? 'orphan' : undefined;
    if (gcFinalizer !== undefined && !finalizers.includes(gcFinalizer))
      finalizers.push(gcFinalizer);
    const own =
      t.strategicMerge || t.storageKey === CRD_STORAGE_KEY ? DELETE_FINALIZERS[t.kind] : undefined;
    if (
      own !== undefined &&
      !finalizers.includes(own) &&
      old.metadata.deletionTimestamp === undefined
    ) {
      finalizers.push(own);
    }
    if (finalizers.length === 0) {
      if (opts.dryRun === true) return { object: old, finished: true };
      const rv = this.store.nextRv();
      const gone = { ...old, metadata: { ...old.metadata, resourceVersion: String(rv) } };
      this.store.remove(t.storageKey, gone, rv);
      return { object: gone, finished: true };
    }
    const next = structuredClone(old);
    next.metadata.finalizers = finalizers;
    next.metadata.deletionTimestamp ??= formatTimestamp(this.now());
    next.metadata.deletionGracePeriodSeconds ??= 0;
    if (t.kind === 'Namespace') next['status'] = { phase: 'Terminating' };
    const object = this.commitUpdate(t, next, old, {
      dryRun: opts.dryRun === true,
      fieldValidation: 'Ignore',
    });
    return { object, finished: false };
  }

  /** Removes one finalizer (for the garbage collector and namespace controller). */
  removeFinalizer(t: ResourceType, obj: StoredObject, finalizer: string): void {
    const current = this.store.get(t.storageKey, obj.metadata.namespace ?? '', obj.metadata.name);
    if (current?.metadata.finalizers?.includes(finalizer) !== true) return;
    const next = structuredClone(current);
    next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    if (t.kind === 'Namespace' && finalizer === 'kubernetes') next['spec'] = { finalizers: [] };
    this.commitUpdate(t, next, current, { dryRun: false, fieldValidation: 'Ignore' });
  }

  /** Writes a new object state from a controller inside the server (no admission). */
  writeInternal(t: ResourceType, next: StoredObject): void {
    const current = this.store.get(t.storageKey, next.metadata.namespace ?? '', next.metadata.name);
    if (current === undefined) return;
    this.commitUpdate(t, next, current, { dryRun: false, fieldValidation: 'Ignore' });
  }
}
