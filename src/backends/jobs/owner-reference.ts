/** A controller owner reference: the owner's deletion takes the object with it (GC). */
export interface OwnedBy {
  apiVersion: string;
  kind: string;
  metadata: { name?: string | undefined; uid?: string | undefined };
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller: boolean;
  blockOwnerDeletion: boolean;
}

export function ownerReferenceTo(owner: OwnedBy): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}
