/**
 * Creating the PVCs of a run's volumeClaimTemplate workspaces, owned by the run so they go
 * with it. The API server refusing a claim (an invalid template) fails the run, as Tekton
 * fails it with CouldntCreateWorkspacePVC; a conflict means the claim exists already, and
 * anything else is retried by the work queue.
 */
import type { CoreV1Api, V1ObjectMeta } from '@kubernetes/client-node';
import { isAlreadyExistsOrConflict, statusCodeOf } from '../../src/kube/errors.ts';
import { controllerReference } from '../cluster/owned-by.ts';
import type { WorkspaceBinding } from './types.ts';
import { claimsFor } from './workspaces.ts';

export interface ClaimOwner {
  apiVersion: string;
  kind: string;
  metadata: V1ObjectMeta;
}

/** The reason the API server gave for refusing a claim, or undefined when all exist. */
export async function createClaims(
  core: CoreV1Api,
  owner: ClaimOwner,
  bindings: readonly WorkspaceBinding[],
): Promise<string | undefined> {
  const namespace = owner.metadata.namespace ?? 'default';
  for (const claim of claimsFor(bindings, owner.metadata.uid ?? '', namespace)) {
    claim.metadata = { ...claim.metadata, ownerReferences: [controllerReference(owner)] };
    try {
      await core.createNamespacedPersistentVolumeClaim({ namespace, body: claim });
    } catch (error) {
      if (isAlreadyExistsOrConflict(error)) continue;
      const code = statusCodeOf(error) ?? 500;
      if (code < 400 || code >= 500 || code === 429) throw error;
      return statusMessageOf(error);
    }
  }
  return undefined;
}

function statusMessageOf(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  try {
    const status = JSON.parse(typeof body === 'string' ? body : '{}') as { message?: string };
    if (status.message) return status.message;
  } catch {
    // not a Status body
  }
  return error instanceof Error ? error.message : String(error);
}
