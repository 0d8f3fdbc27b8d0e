// The in-memory state: objects per storage key and namespace, one cluster-wide
// resourceVersion counter, a bounded per-resource event history for watches resuming
// from a resourceVersion, and cheap subscriptions for watches and in-process controllers.

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  generation?: number;
  creationTimestamp: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  generateName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  [key: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface StoredObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** A request body before the server has filled in its metadata. */
export interface IncomingObject {
  apiVersion?: string;
  kind?: string;
  metadata?: Partial<ObjectMeta>;
  [key: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  storageKey: string;
  rv: number;
  object: StoredObject;
  /** The state before a MODIFIED or DELETED change. */
  previous: StoredObject | undefined;
  /** Serialized object, computed once for all watchers that need it. */
  json?: string;
}

export type StoreListener = (event: StoreEvent) => void;

interface History {
  events: StoreEvent[];
  /** Events at or below this resourceVersion are gone from the history. */
  compactedRv: number;
}

export class ObjectStore {
  private rv = 0;
  private readonly buckets = new Map<string, Map<string, Map<string, StoredObject>>>();
  private readonly histories = new Map<string, History>();
  private readonly listeners = new Map<string, Set<StoreListener>>();
  private readonly allListeners = new Set<StoreListener>();
  private readonly byUid = new Map<
    string,
    { storageKey: string; namespace: string; name: string }
  >();
  private readonly historySize: number;

  constructor(historySize = 10_000) {
    this.historySize = historySize;
  }

  currentRv(): number {
    return this.rv;
  }

  nextRv(): number {
    this.rv += 1;
    return this.rv;
  }

  get(storageKey: string, namespace: string, name: string): StoredObject | undefined {
    return this.buckets.get(storageKey)?.get(namespace)?.get(name);
  }

  findByUid(uid: string): StoredObject | undefined {
    const ref = this.byUid.get(uid);
    return ref === undefined ? undefined : this.get(ref.storageKey, ref.namespace, ref.name);
  }

  storageKeyOfUid(uid: string): string | undefined {
    return this.byUid.get(uid)?.storageKey;
  }

  /** Objects in one namespace, or in all when `namespace` is undefined; unsorted. */
  list(storageKey: string, namespace: string | undefined): StoredObject[] {
    const bucket = this.buckets.get(storageKey);
    if (bucket === undefined) return [];
    if (namespace !== undefined) return [...(bucket.get(namespace)?.values() ?? [])];
    const out: StoredObject[] = [];
    for (const ns of bucket.values()) for (const o of ns.values()) out.push(o);
    return out;
  }

  listStorageKeys(): string[] {
    return [...this.buckets.keys()];
  }

  /** Stores `object` (whose metadata.resourceVersion the caller set from nextRv()). */
  put(storageKey: string, object: StoredObject, rv: number): void {
    const ns = object.metadata.namespace ?? '';
    let bucket = this.buckets.get(storageKey);
    if (bucket === undefined) {
      bucket = new Map();
      this.buckets.set(storageKey, bucket);
    }
    let names = bucket.get(ns);
    if (names === undefined) {
      names = new Map();
      bucket.set(ns, names);
    }
    const previous = names.get(object.metadata.name);
    names.set(object.metadata.name, object);
    this.byUid.set(object.metadata.uid, { storageKey, namespace: ns, name: object.metadata.name });
    this.emit({
      type: previous === undefined ? 'ADDED' : 'MODIFIED',
      storageKey,
      rv,
      object,
      previous,
    });
  }

  /** Removes an object; the DELETED event carries `object` (with the deletion's rv). */
  remove(storageKey: string, object: StoredObject, rv: number): void {
    const ns = object.metadata.namespace ?? '';
    const names = this.buckets.get(storageKey)?.get(ns);
    const previous = names?.get(object.metadata.name);
    if (names === undefined || previous === undefined) return;
    names.delete(object.metadata.name);
    this.byUid.delete(object.metadata.uid);
    this.emit({ type: 'DELETED', storageKey, rv, object, previous });
  }

  /** Drops every object of a storage key without events (its CRD is gone). */
  dropStorage(storageKey: string): void {
    for (const o of this.list(storageKey, undefined)) this.byUid.delete(o.metadata.uid);
    this.buckets.delete(storageKey);
    this.histories.delete(storageKey);
  }

  private emit(event: StoreEvent): void {
    let history = this.histories.get(event.storageKey);
    if (history === undefined) {
      history = { events: [], compactedRv: 0 };
      this.histories.set(event.storageKey, history);
    }
    history.events.push(event);
    if (history.events.length > this.historySize * 2) this.trim(history, this.historySize);
    for (const l of this.listeners.get(event.storageKey) ?? []) l(event);
    for (const l of this.allListeners) l(event);
  }

  private trim(history: History, keep: number): void {
    const dropped = history.events.splice(0, history.events.length - keep);
    const last = dropped[dropped.length - 1];
    if (last !== undefined) history.compactedRv = last.rv;
  }

  /**
   * Events after `rv` for a storage key, or undefined when the history no longer reaches
   * back that far (the caller answers 410 Gone).
   */
  readEventsSince(storageKey: string, rv: number): StoreEvent[] | undefined {
    const history = this.histories.get(storageKey);
    if (history === undefined) return [];
    if (rv < history.compactedRv) return undefined;
    // Binary search: events are in rv order.
    let lo = 0;
    let hi = history.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((history.events[mid]?.rv ?? 0) <= rv) lo = mid + 1;
      else hi = mid;
    }
    return history.events.slice(lo);
  }

  /** Forgets the watch history up to now, so older resourceVersions answer 410 Gone. */
  compactHistory(): void {
    for (const history of this.histories.values()) this.trim(history, 0);
    for (const key of this.buckets.keys()) {
      if (!this.histories.has(key)) this.histories.set(key, { events: [], compactedRv: this.rv });
    }
    for (const history of this.histories.values()) history.compactedRv = this.rv;
  }

  /** Calls `listener` synchronously after every change of one storage key. */
  subscribe(storageKey: string, listener: StoreListener): () => void {
    let set = this.listeners.get(storageKey);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(storageKey, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Calls `listener` after every change of any object (for GC and in-process controllers). */
  subscribeAll(listener: StoreListener): () => void {
    this.allListeners.add(listener);
    return () => this.allListeners.delete(listener);
  }
}
