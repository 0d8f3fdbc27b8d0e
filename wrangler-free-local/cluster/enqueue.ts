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
