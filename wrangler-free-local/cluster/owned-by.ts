/** Owner references: who controls an object, as the garbage collector and controllers read them. */
import type { V1ObjectMeta, V1OwnerReference } from '@kubernetes/client-node';

export function controllerOf(meta: V1ObjectMeta | undefined): V1OwnerReference | undefined {
  return meta?.ownerReferences?.find((reference) => reference.controller === true);
}

export function isControlledBy(meta: V1ObjectMeta | undefined, uid: string | undefined): boolean {
  return uid !== undefined && controllerOf(meta)?.uid === uid;
}

export function controllerReference(owner: {
  apiVersion: string;
  kind: string;
  metadata?: V1ObjectMeta;
}): V1OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata?.name ?? '',
    uid: owner.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}
