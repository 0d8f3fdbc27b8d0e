/**
 * Resolves where an alert's symptom shows (a pod, a ReplicaSet) to what owns it: pod →
 * ReplicaSet → Deployment, pod → StatefulSet / DaemonSet / Job, following controlling owner
 * references through the API. Results are cached (ownership of a pod never changes in its
 * life), and concurrent lookups of one object share one request: five alerts on five pods of
 * one Deployment cost one ReplicaSet read.
 */
import { LRUCache } from 'lru-cache';
import { controllingOwner, type OwnerReferenceLike } from '../alerts/alert-target.ts';

export type OwnedKind = 'Pod' | 'ReplicaSet';

/** Reads an object's owner references; undefined when the object does not exist. */
export type ReadOwners = (
  kind: OwnedKind,
  namespace: string,
  name: string,
) => Promise<readonly OwnerReferenceLike[] | undefined>;

export interface OwnerChainOptions {
  readOwners: ReadOwners;
  max?: number;
  ttlMs?: number;
  /** A missing object may appear (a pod being created): remember that only briefly. */
  missingTtlMs?: number;
}

export class OwnerChain {
  private readonly cache: LRUCache<string, Promise<string>>;
  private readonly options: OwnerChainOptions;

  constructor(options: OwnerChainOptions) {
    this.options = options;
    this.cache = new LRUCache({ max: options.max ?? 10_000, ttl: options.ttlMs ?? 300_000 });
  }

  /** The `namespace/Kind/name` that owns the object, or the object itself when nothing does. */
  resolve(kind: OwnedKind, namespace: string, name: string): Promise<string> {
    const key = `${kind}/${namespace}/${name}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const lookup = this.lookup(kind, namespace, name);
    this.cache.set(key, lookup);
    // A failed lookup is not an answer: the next alert asks the API again.
    lookup.catch(() => this.cache.delete(key));
    return lookup;
  }

  private async lookup(kind: OwnedKind, namespace: string, name: string): Promise<string> {
    const references = await this.options.readOwners(kind, namespace, name);
    const self = `${namespace}/${kind}/${name}`;
    if (references === undefined) {
      this.cache.set(`${kind}/${namespace}/${name}`, Promise.resolve(self), {
        ttl: this.options.missingTtlMs ?? 10_000,
      });
      return self;
    }
    const owner = controllingOwner(references);
    if (!owner) return self;
    if (kind === 'Pod' && owner.kind === 'ReplicaSet') {
      return this.resolve('ReplicaSet', namespace, owner.name);
    }
    return `${namespace}/${owner.kind}/${owner.name}`;
  }
}
