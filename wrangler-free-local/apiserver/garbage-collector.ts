// The garbage collector and namespace controller of kube-controller-manager, in-process:
// deletes dependents whose owners are gone, honours the foregroundDeletion and orphan
// finalizers, and empties terminating namespaces. Work is coalesced per owner uid and
// run on setImmediate so watch events keep their order.

import type { ObjectStore, StoreEvent, StoredObject } from './object-store.ts';
import type { ResourceService } from './resource-service.ts';
import type { ResourceType } from './resource-type.ts';
import type { TypeRegistry } from './type-registry.ts';

interface ObjectKey {
  storageKey: string;
  namespace: string;
  name: string;
}

function keyOf(storageKey: string, o: StoredObject): string {
  return `${storageKey}|${o.metadata.namespace ?? ''}|${o.metadata.name}`;
}

export class GarbageCollector {
  private readonly store: ObjectStore;
  private readonly registry: TypeRegistry;
  private readonly service: ResourceService;
  /** owner uid → dependents referencing it. */
  private readonly dependents = new Map<string, Map<string, ObjectKey>>();
  private readonly pendingOwners = new Set<string>();
  private readonly pendingNamespaces = new Set<string>();
  private scheduled = false;
  private readonly unsubscribe: () => void;

  constructor(store: ObjectStore, registry: TypeRegistry, service: ResourceService) {
    this.store = store;
    this.registry = registry;
    this.service = service;
    this.unsubscribe = store.subscribeAll((e) => {
      this.observe(e);
    });
  }

  stop(): void {
    this.unsubscribe();
  }

  private index(e: StoreEvent): void {
    const key = keyOf(e.storageKey, e.object);
    for (const ref of e.previous?.metadata.ownerReferences ?? [])
      this.dependents.get(ref.uid)?.delete(key);
    if (e.type === 'DELETED') return;
    for (const ref of e.object.metadata.ownerReferences ?? []) {
      let deps = this.dependents.get(ref.uid);
      if (deps === undefined) {
        deps = new Map();
        this.dependents.set(ref.uid, deps);
      }
      deps.set(key, {
        storageKey: e.storageKey,
        namespace: e.object.metadata.namespace ?? '',
        name: e.object.metadata.name,
      });
    }
  }

  private observe(e: StoreEvent): void {
    this.index(e);
    const meta = e.object.metadata;
    if (e.type === 'DELETED') {
      if (this.dependents.has(meta.uid)) this.schedule(meta.uid);
      // A foreground-deleting owner may be waiting for this dependent.
      for (const ref of meta.ownerReferences ?? []) this.schedule(ref.uid);
      if (meta.namespace !== undefined && this.pendingNamespacesKnown.has(meta.namespace))
        this.scheduleNamespace(meta.namespace);
      if (e.storageKey === '/namespaces') {
        this.pendingNamespacesKnown.delete(meta.name);
        this.dependents.delete(meta.uid);
      }
      return;
    }
    if (meta.deletionTimestamp !== undefined) {
      const f = meta.finalizers ?? [];
      if (f.includes('foregroundDeletion') || f.includes('orphan')) this.schedule(meta.uid);
      if (e.storageKey === '/namespaces') this.scheduleNamespace(meta.name);
    }
    if (e.type === 'ADDED') {
      // A dependent whose owner does not exist is collected, as the real GC does.
      for (const ref of meta.ownerReferences ?? [])
        if (this.store.findByUid(ref.uid) === undefined) this.schedule(ref.uid);
    }
  }

  private readonly pendingNamespacesKnown = new Set<string>();

  private schedule(uid: string): void {
    this.pendingOwners.add(uid);
    this.kick();
  }

  private scheduleNamespace(name: string): void {
    this.pendingNamespacesKnown.add(name);
    this.pendingNamespaces.add(name);
    this.kick();
  }

  private kick(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const owners = [...this.pendingOwners];
      const namespaces = [...this.pendingNamespaces];
      this.pendingOwners.clear();
      this.pendingNamespaces.clear();
      for (const uid of owners) this.processOwner(uid);
      for (const ns of namespaces) this.processNamespace(ns);
    });
  }

  private typeOf(storageKey: string): ResourceType | undefined {
    return this.registry.listByStorage(storageKey)[0];
  }

  private readDependents(uid: string): { type: ResourceType; obj: StoredObject }[] {
    const out: { type: ResourceType; obj: StoredObject }[] = [];
    for (const k of this.dependents.get(uid)?.values() ?? []) {
      const type = this.typeOf(k.storageKey);
      const obj = this.store.get(k.storageKey, k.namespace, k.name);
      if (type !== undefined && obj !== undefined) out.push({ type, obj });
    }
    return out;
  }

  private removeOwnerRef(type: ResourceType, obj: StoredObject, uid: string): void {
    const next = structuredClone(obj);
    next.metadata.ownerReferences = (next.metadata.ownerReferences ?? []).filter(
      (r) => r.uid !== uid,
    );
    if (next.metadata.ownerReferences.length === 0) delete next.metadata.ownerReferences;
    this.service.writeInternal(type, next);
  }

  private deleteQuietly(
    type: ResourceType,
    obj: StoredObject,
    policy: 'Background' | 'Foreground',
  ): void {
    if (obj.metadata.deletionTimestamp !== undefined) return;
    try {
      this.service.delete(type, obj.metadata.namespace ?? '', obj.metadata.name, {
        propagationPolicy: policy,
        preconditions: { uid: obj.metadata.uid },
      });
    } catch {
      // Already gone or replaced: nothing left to collect.
    }
  }

  private processOwner(uid: string): void {
    const owner = this.store.findByUid(uid);
    const deps = this.readDependents(uid);
    if (owner === undefined) {
      for (const { type, obj } of deps) {
        const others = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
        if (others.some((r) => this.store.findByUid(r.uid) !== undefined))
          this.removeOwnerRef(type, obj, uid);
        else this.deleteQuietly(type, obj, 'Background');
      }
      if (deps.length === 0) this.dependents.delete(uid);
      return;
    }
    const ownerType = this.typeOf(this.store.storageKeyOfUid(uid) ?? '');
    if (owner.metadata.deletionTimestamp === undefined || ownerType === undefined) return;
    const finalizers = owner.metadata.finalizers ?? [];
    if (finalizers.includes('orphan')) {
      for (const { type, obj } of deps) this.removeOwnerRef(type, obj, uid);
      this.service.removeFinalizer(ownerType, owner, 'orphan');
    } else if (finalizers.includes('foregroundDeletion')) {
      for (const { type, obj } of deps) this.deleteQuietly(type, obj, 'Foreground');
      const blocking = this.readDependents(uid).filter(({ obj }) =>
        (obj.metadata.ownerReferences ?? []).some(
          (r) => r.uid === uid && r.blockOwnerDeletion === true,
        ),
      );
      if (blocking.length === 0)
        this.service.removeFinalizer(ownerType, owner, 'foregroundDeletion');
    }
  }

  private processNamespace(name: string): void {
    const ns = this.store.get('/namespaces', '', name);
    const nsType = this.typeOf('/namespaces');
    if (ns?.metadata.deletionTimestamp === undefined || nsType === undefined) return;
    let remaining = 0;
    for (const storageKey of this.store.listStorageKeys()) {
      const type = this.typeOf(storageKey);
      if (type === undefined || !type.namespaced) continue;
      for (const obj of this.store.list(storageKey, name)) {
        remaining++;
        this.deleteQuietly(type, obj, 'Background');
      }
    }
    const left =
      remaining === 0
        ? 0
        : this.store
            .listStorageKeys()
            .reduce(
              (n, k) =>
                n + (this.typeOf(k)?.namespaced === true ? this.store.list(k, name).length : 0),
              0,
            );
    if (left === 0) {
      const finalizers = (
        (ns['spec'] as { finalizers?: string[] } | undefined)?.finalizers ?? []
      ).filter((f) => f !== 'kubernetes');
      this.service.finalizeNamespace(nsType, name, finalizers);
    }
  }
}
