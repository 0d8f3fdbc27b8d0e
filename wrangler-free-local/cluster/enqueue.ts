/** Mapping watch events to work-queue keys (`namespace/name`). */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { WorkQueue } from '../../src/engine/work-queue.ts';
import { controllerOf } from './owned-by.ts';

export function objectKey(object: KubernetesObject): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}

/** Enqueues the object itself. */
export function enqueueObject(queue: WorkQueue) {
  return (_event: unknown, object: KubernetesObject): void => {
    queue.add(objectKey(object));
  };
}

/** Enqueues the object's controller when it is of the given kind (a pod → its Job). */
export function enqueueControllerOf(kind: string, queue: WorkQueue) {
  return (_event: unknown, object: KubernetesObject): void => {
    const owner = controllerOf(object.metadata);
    if (owner?.kind === kind) queue.add(`${object.metadata?.namespace ?? ''}/${owner.name}`);
  };
}

/**
 * Like enqueueControllerOf, and also enqueues the controller an object had before, when its
 * controller reference changed or went away (a pod released by relabelling), as client-go's
 * ReplicaSet controller does on pod updates: the old owner must notice it lost a replica.
 */
export function enqueueControllerOfAndFormer(kind: string, queue: WorkQueue) {
  const former = new Map<string, string>();
  return (event: unknown, object: KubernetesObject): void => {
    const key = object.metadata?.uid ?? objectKey(object);
    const namespace = object.metadata?.namespace ?? '';
    const owner = controllerOf(object.metadata);
    const current = owner?.kind === kind ? owner.name : undefined;
    const before = former.get(key);
    if (before !== undefined && before !== current) queue.add(`${namespace}/${before}`);
    if (current !== undefined) queue.add(`${namespace}/${current}`);
    if (current === undefined || event === 'delete') former.delete(key);
    else former.set(key, current);
  };
}
