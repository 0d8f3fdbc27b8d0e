// The generic registry: get, list, create, update, patch and delete with the semantics of
// the real API server's generic store (resourceVersion preconditions, generation, status
// subresource, finalizers, schema admission). Knows nothing of HTTP.

import {
  checkClaimUpdate,
  defaultClaimClass,
  STORAGE_CLASSES_KEY,
  type StorageClasses,
} from './claim-rules.ts';
import { formatTimestamp, generateName, generateUid } from './object-meta.ts';
import type { ObjectStore, StoredObject } from './object-store.ts';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, PatchError } from './patch.ts';
import type { ResourceType, StorageConversion } from './resource-type.ts';
import {
  newAlreadyExists,
  newBadRequest,
  newForbidden,
  newInternalError,
  newInvalid,
  newNotFound,
  newUnsupportedMediaType,
  StatusError,
} from './status-error.ts';
import {
  admitObject,
  carryMetadata,
  checkDeletePreconditions,
  checkNewFinalizers,
  checkTypeMeta,
  checkUpdatePrecondition,
  hasPendingSpecFinalizers,
  isSameGenerationContent,
  isSameObject,
  orderFields,
  planDeleteFinalizers,
  readIncoming,
  readPodGracePeriod,
  refOf,
  type DeleteOptions,
  type WriteOptions,
} from './write-rules.ts';

export {
  CRD_STORAGE_KEY,
  type DeleteOptions,
  type FieldValidation,
  type WriteOptions,
} from './write-rules.ts';

export interface WriteResult {
  object: StoredObject;
  warnings: string[];
}

export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

const NAMESPACES = { group: '', resource: 'namespaces' };

const isClaim = (t: ResourceType): boolean => t.group === '' && t.kind === 'PersistentVolumeClaim';

export class ResourceService {
  private readonly store: ObjectStore;
  private readonly now: () => number;
  private readonly gracefulPodDeletion: boolean;

  constructor(
    store: ObjectStore,
    options: { now?: () => number; gracefulPodDeletion?: boolean } = {},
  ) {
    this.store = store;
    this.now = options.now ?? Date.now;
    this.gracefulPodDeletion = options.gracefulPodDeletion ?? false;
  }

  private readonly storageClasses: StorageClasses = {
    get: (name) => this.store.get(STORAGE_CLASSES_KEY, '', name),
    list: () => this.store.list(STORAGE_CLASSES_KEY, ''),
  };

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

  create(t: ResourceType, namespace: string, input: unknown, opts: WriteOptions): WriteResult {
    const body = readIncoming(input);
    checkTypeMeta(t, body);
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
    const warnings = admitObject(t, obj, opts, undefined);
    if (isClaim(t)) defaultClaimClass(obj, this.storageClasses);
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
    checkTypeMeta(t, body);
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
    checkUpdatePrecondition(t, name, meta.resourceVersion, old, conditional);
    let next: StoredObject;
    if (subresource === 'status') {
      next = { ...structuredClone(old), status: body['status'] };
    } else {
      next = orderFields(body as StoredObject);
      if (t.hasStatus) {
        if (old['status'] === undefined) delete next['status'];
        else next['status'] = structuredClone(old['status']);
      }
      checkNewFinalizers(t, next, old);
    }
    carryMetadata(t, next, old);
    const warnings = admitObject(t, next, opts, old);
    if (isClaim(t) && subresource !== 'status') checkClaimUpdate(next, old, this.storageClasses);
    if (t.tracksGeneration && !isSameGenerationContent(t, next, old)) {
      next.metadata.generation = (old.metadata.generation ?? 1) + 1;
    }
    return { object: this.commitUpdate(t, next, old, opts), warnings };
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
    // Gone once deleting, finalized and past any grace period (graceful pods wait for grace 0).
    if (
      next.metadata.deletionTimestamp !== undefined &&
      (next.metadata.finalizers ?? []).length === 0 &&
      (next.metadata.deletionGracePeriodSeconds ?? 0) === 0 &&
      !hasPendingSpecFinalizers(next)
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
    conversion?: StorageConversion,
  ): WriteResult {
    const old = this.get(t, namespace, name);
    // A view's patch applies to the view's form of the object.
    const current =
      conversion === undefined
        ? structuredClone(old)
        : conversion.fromStorage(structuredClone(old));
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
    const result = readIncoming(
      conversion === undefined ? patched : conversion.toStorage(patched as Record<string, unknown>),
    );
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
    checkDeletePreconditions(t, old, opts.preconditions);
    if (this.gracefulPodDeletion && t.kind === 'Pod' && t.group === '') {
      const grace = readPodGracePeriod(old, opts.gracePeriodSeconds);
      if (grace > 0) return this.markPodTerminating(t, old, grace, opts.dryRun === true);
    }
    const finalizers = planDeleteFinalizers(t, old, opts.propagationPolicy ?? t.defaultPropagation);
    if (finalizers.length === 0 && !hasPendingSpecFinalizers(old)) {
      if (opts.dryRun === true) return { object: old, finished: true };
      const rv = this.store.nextRv();
      const gone = { ...old, metadata: { ...old.metadata, resourceVersion: String(rv) } };
      this.store.remove(t.storageKey, gone, rv);
      return { object: gone, finished: true };
    }
    const next = structuredClone(old);
    next.metadata.finalizers = finalizers;
    next.metadata.deletionTimestamp ??= formatTimestamp(this.now());
    if (opts.gracePeriodSeconds === 0) next.metadata.deletionGracePeriodSeconds = 0;
    else next.metadata.deletionGracePeriodSeconds ??= 0;
    if (t.kind === 'Namespace') next['status'] = { phase: 'Terminating' };
    const object = this.commitUpdate(t, next, old, {
      dryRun: opts.dryRun === true,
      fieldValidation: 'Ignore',
    });
    return { object, finished: false };
  }

  private markPodTerminating(
    t: ResourceType,
    old: StoredObject,
    grace: number,
    dryRun: boolean,
  ): { object: StoredObject; finished: boolean } {
    if (old.metadata.deletionTimestamp !== undefined) return { object: old, finished: false };
    const next = structuredClone(old);
    next.metadata.deletionTimestamp = formatTimestamp(this.now() + grace * 1000);
    next.metadata.deletionGracePeriodSeconds = grace;
    return {
      object: this.commitUpdate(t, next, old, { dryRun, fieldValidation: 'Ignore' }),
      finished: false,
    };
  }

  /** The /finalize subresource of namespaces: replaces spec.finalizers. */
  finalizeNamespace(t: ResourceType, name: string, finalizers: string[]): StoredObject {
    const current = this.get(t, '', name);
    const next = structuredClone(current);
    next['spec'] = { ...(next['spec'] as object | undefined), finalizers };
    return this.commitUpdate(t, next, current, { dryRun: false, fieldValidation: 'Ignore' });
  }

  /** Removes one finalizer (for the garbage collector and namespace controller). */
  removeFinalizer(t: ResourceType, obj: StoredObject, finalizer: string): void {
    const current = this.store.get(t.storageKey, obj.metadata.namespace ?? '', obj.metadata.name);
    if (current?.metadata.finalizers?.includes(finalizer) !== true) return;
    const next = structuredClone(current);
    next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    this.commitUpdate(t, next, current, { dryRun: false, fieldValidation: 'Ignore' });
  }

  /** Writes a new object state from a controller inside the server (no admission). */
  writeInternal(t: ResourceType, next: StoredObject): void {
    const current = this.store.get(t.storageKey, next.metadata.namespace ?? '', next.metadata.name);
    if (current === undefined) return;
    this.commitUpdate(t, next, current, { dryRun: false, fieldValidation: 'Ignore' });
  }
}
