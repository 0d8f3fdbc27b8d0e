// The disruption controller of kube-controller-manager, in-process: keeps every
// PodDisruptionBudget's status (currentHealthy, desiredHealthy, disruptionsAllowed) in step
// with the pods it selects and the scale of their controllers. Work is coalesced per
// namespace and run on setImmediate so watch events keep their order; the eviction handler
// syncs a namespace first, so it never decides on a stale budget.

import { computeBudgetStatus, readBudgetStatus, type ScaleOf } from './disruption-budget.ts';
import type { ObjectStore, OwnerReference, StoreEvent, StoredObject } from './object-store.ts';
import type { ResourceService } from './resource-service.ts';
import type { ResourceType } from './resource-type.ts';
import { evaluateJsonPath } from './table.ts';
import type { TypeRegistry } from './type-registry.ts';

export const BUDGETS_STORAGE_KEY = 'policy/poddisruptionbudgets';

/** Changes to these can change a budget's status. */
const WATCHED = new Set([
  '/pods',
  BUDGETS_STORAGE_KEY,
  'apps/deployments',
  'apps/replicasets',
  'apps/statefulsets',
]);

export class DisruptionController {
  private readonly store: ObjectStore;
  private readonly registry: TypeRegistry;
  private readonly service: ResourceService;
  private readonly now: () => number;
  private readonly pending = new Set<string>();
  private scheduled = false;
  private readonly unsubscribe: () => void;

  constructor(
    store: ObjectStore,
    registry: TypeRegistry,
    service: ResourceService,
    now: () => number = Date.now,
  ) {
    this.store = store;
    this.registry = registry;
    this.service = service;
    this.now = now;
    this.unsubscribe = store.subscribeAll((e) => {
      this.observe(e);
    });
  }

  stop(): void {
    this.unsubscribe();
  }

  private observe(e: StoreEvent): void {
    if (!WATCHED.has(e.storageKey)) return;
    const namespace = e.object.metadata.namespace;
    if (namespace === undefined) return;
    if (this.store.list(BUDGETS_STORAGE_KEY, namespace).length === 0) return;
    this.pending.add(namespace);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const namespaces = [...this.pending];
      this.pending.clear();
      for (const ns of namespaces) this.syncNamespace(ns);
    });
  }

  /** The budget type, served as policy/v1. */
  budgetType(): ResourceType | undefined {
    return this.registry.listByStorage(BUDGETS_STORAGE_KEY)[0];
  }

  /** Brings every budget of `namespace` up to date now; returns them. */
  syncNamespace(namespace: string): StoredObject[] {
    const type = this.budgetType();
    if (type === undefined) return [];
    const pods = this.store.list('/pods', namespace);
    const scaleOf = this.scaleOf;
    for (const budget of this.store.list(BUDGETS_STORAGE_KEY, namespace)) {
      if (budget.metadata.deletionTimestamp !== undefined) continue;
      const status = computeBudgetStatus(budget, pods, scaleOf, this.now());
      const current = readBudgetStatus(budget);
      if (JSON.stringify(status) === JSON.stringify(current)) continue;
      this.service.writeInternal(type, { ...structuredClone(budget), status });
    }
    return this.store.list(BUDGETS_STORAGE_KEY, namespace);
  }

  /** The replicas a pod's controller wants: a Deployment through its ReplicaSet, or any scale. */
  private readonly scaleOf: ScaleOf = (ref: OwnerReference) => {
    const owner = this.store.findByUid(ref.uid);
    if (owner === undefined) return undefined;
    if (owner.kind === 'ReplicaSet') {
      const parent = (owner.metadata.ownerReferences ?? []).find((r) => r.controller === true);
      const deployment =
        parent?.kind === 'Deployment' ? this.store.findByUid(parent.uid) : undefined;
      if (deployment !== undefined) return readReplicas(deployment, '.spec.replicas');
    }
    const type = this.registry.findByKind(owner.apiVersion, owner.kind);
    return type?.scale === undefined ? undefined : readReplicas(owner, type.scale.specReplicasPath);
  };
}

function readReplicas(obj: StoredObject, path: string): number {
  const v = evaluateJsonPath(obj, path)[0];
  return typeof v === 'number' ? v : 0;
}
