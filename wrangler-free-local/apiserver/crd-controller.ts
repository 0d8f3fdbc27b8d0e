// Serves custom resources as soon as their CRD is stored: registers the types on the
// store's event (synchronously, so the create response implies the resource is served),
// reports Established in status, and on deletion removes every instance and then the types.

import { buildCrdStatus, buildCrdTypes, type CrdSpec } from './crd-types.ts';
import { formatTimestamp } from './object-meta.ts';
import type { ObjectStore, StoreEvent, StoredObject } from './object-store.ts';
import { CRD_STORAGE_KEY, type ResourceService } from './resource-service.ts';
import type { TypeRegistry } from './type-registry.ts';

const CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

export class CrdController {
  private readonly store: ObjectStore;
  private readonly registry: TypeRegistry;
  private readonly service: ResourceService;
  private readonly unsubscribe: () => void;
  /** CRD name → storage key of its instances, for CRDs being deleted. */
  private readonly terminating = new Map<string, string>();

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

  private observe(e: StoreEvent): void {
    if (e.storageKey !== CRD_STORAGE_KEY) {
      if (e.type === 'DELETED') {
        for (const [crd, key] of this.terminating)
          if (key === e.storageKey)
            setImmediate(() => {
              this.finish(crd);
            });
      }
      return;
    }
    const crd = e.object;
    const spec = crd['spec'] as CrdSpec | undefined;
    if (e.type === 'DELETED') {
      this.registry.deleteCrdTypes(crd.metadata.name);
      this.store.dropStorage(`${spec?.group ?? ''}/${spec?.names?.plural ?? ''}`);
      return;
    }
    if (crd.metadata.deletionTimestamp !== undefined) {
      if (!this.terminating.has(crd.metadata.name)) {
        this.terminating.set(
          crd.metadata.name,
          `${spec?.group ?? ''}/${spec?.names?.plural ?? ''}`,
        );
        setImmediate(() => {
          this.cleanUp(crd.metadata.name);
        });
      }
      return;
    }
    this.registry.setCrdTypes(crd.metadata.name, buildCrdTypes(spec ?? {}));
    if (!this.isEstablished(crd))
      setImmediate(() => {
        this.establish(crd.metadata.name);
      });
  }

  private isEstablished(crd: StoredObject): boolean {
    const status = crd['status'] as
      { conditions?: { type: string; status: string }[]; acceptedNames?: unknown } | undefined;
    const spec = crd['spec'] as CrdSpec | undefined;
    const accepted =
      JSON.stringify(status?.acceptedNames) ===
      JSON.stringify((buildCrdStatus(spec ?? {}, '') as { acceptedNames: unknown }).acceptedNames);
    return (
      accepted &&
      (status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True')
    );
  }

  private establish(name: string): void {
    const crd = this.store.get(CRD_STORAGE_KEY, '', name);
    const type = this.registry.listByStorage(CRD_STORAGE_KEY)[0];
    if (crd === undefined || type === undefined || this.isEstablished(crd)) return;
    const next = structuredClone(crd);
    next['status'] = buildCrdStatus(next['spec'] as CrdSpec, formatTimestamp(Date.now()));
    this.service.writeInternal(type, next);
  }

  private cleanUp(name: string): void {
    const storageKey = this.terminating.get(name);
    if (storageKey === undefined) return;
    const type = this.registry.listByStorage(storageKey)[0];
    for (const obj of this.store.list(storageKey, undefined)) {
      if (type === undefined || obj.metadata.deletionTimestamp !== undefined) continue;
      try {
        this.service.delete(type, obj.metadata.namespace ?? '', obj.metadata.name, {
          propagationPolicy: 'Background',
        });
      } catch {
        // Already gone.
      }
    }
    this.finish(name);
  }

  private finish(name: string): void {
    const storageKey = this.terminating.get(name);
    if (storageKey === undefined || this.store.list(storageKey, undefined).length > 0) return;
    this.terminating.delete(name);
    const crd = this.store.get(CRD_STORAGE_KEY, '', name);
    const crdType = this.registry.listByStorage(CRD_STORAGE_KEY)[0];
    if (crd !== undefined && crdType !== undefined)
      this.service.removeFinalizer(crdType, crd, CLEANUP_FINALIZER);
  }
}
