/**
 * An index of cached objects by one label's value (client-go's Indexer), fed by informer
 * events, so "the ActionExecutions of this run" is a map lookup rather than a scan.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { InformerEvent } from './informer.ts';

export class LabelIndex<T extends KubernetesObject> {
  private readonly byValue = new Map<string, Map<string, T>>();
  private readonly valueOfKey = new Map<string, string>();
  private readonly label: string;

  constructor(label: string) {
    this.label = label;
  }

  /** An informer handler: keeps the index in step with the cache. */
  readonly update = (event: InformerEvent, object: T): void => {
    const key = `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
    const previous = this.valueOfKey.get(key);
    if (previous !== undefined) {
      this.byValue.get(previous)?.delete(key);
      if (this.byValue.get(previous)?.size === 0) this.byValue.delete(previous);
      this.valueOfKey.delete(key);
    }
    const value = object.metadata?.labels?.[this.label];
    if (event === 'delete' || value === undefined) return;
    let bucket = this.byValue.get(value);
    if (!bucket) {
      bucket = new Map();
      this.byValue.set(value, bucket);
    }
    bucket.set(key, object);
    this.valueOfKey.set(key, value);
  };

  get(value: string): T[] {
    return [...(this.byValue.get(value)?.values() ?? [])];
  }
}
