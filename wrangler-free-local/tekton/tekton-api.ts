/**
 * The Tekton objects through the API server with CustomObjectsApi, and a view of each run
 * that is never older than what this controller last wrote (the informer cache may lag
 * behind a status write; acting on the older copy would, say, record a retry twice).
 */
import type {
  CustomObjectsApi,
  KubernetesListObject,
  KubernetesObject,
} from '@kubernetes/client-node';
import { ignoreNotFound } from '../../src/kube/errors.ts';
import { mergePatch } from '../../src/kube/patch-options.ts';
import { TEKTON_GROUP, TEKTON_VERSION } from './types.ts';

export type TektonPlural = 'tasks' | 'pipelines' | 'pipelineruns' | 'taskruns';

export function tektonPath(plural: TektonPlural): string {
  return `/apis/${TEKTON_GROUP}/${TEKTON_VERSION}/${plural}`;
}

export async function listTekton(
  api: CustomObjectsApi,
  plural: TektonPlural,
): Promise<KubernetesListObject<KubernetesObject>> {
  return (await api.listClusterCustomObject({
    group: TEKTON_GROUP,
    version: TEKTON_VERSION,
    plural,
  })) as KubernetesListObject<KubernetesObject>;
}

export async function getTekton(
  api: CustomObjectsApi,
  plural: TektonPlural,
  namespace: string,
  name: string,
): Promise<{ spec?: object } | undefined> {
  return (await ignoreNotFound(
    api.getNamespacedCustomObject({
      group: TEKTON_GROUP,
      version: TEKTON_VERSION,
      plural,
      namespace,
      name,
    }),
  )) as { spec?: object } | undefined;
}

export async function createTekton(
  api: CustomObjectsApi,
  plural: TektonPlural,
  body: KubernetesObject,
): Promise<void> {
  await api.createNamespacedCustomObject({
    group: TEKTON_GROUP,
    version: TEKTON_VERSION,
    plural,
    namespace: body.metadata?.namespace ?? 'default',
    body,
  });
}

export async function patchTekton(
  api: CustomObjectsApi,
  plural: TektonPlural,
  namespace: string,
  name: string,
  body: object,
): Promise<void> {
  await ignoreNotFound(
    api.patchNamespacedCustomObject(
      { group: TEKTON_GROUP, version: TEKTON_VERSION, plural, namespace, name, body },
      mergePatch,
    ),
  );
}

/**
 * Writes a whole status with a merge patch: fields the new status no longer has are set to
 * null so they go (a retry drops podName, completionTime, results and steps).
 */
export async function writeStatus<T extends KubernetesObject & { status?: object }>(
  api: CustomObjectsApi,
  plural: TektonPlural,
  object: T,
  status: object,
): Promise<T | undefined> {
  const current = (object.status ?? {}) as Record<string, unknown>;
  const next = status as Record<string, unknown>;
  if (JSON.stringify(normalize(current)) === JSON.stringify(normalize(next))) return undefined;
  const body: Record<string, unknown> = { ...next };
  for (const key of Object.keys(current)) if (!(key in next)) body[key] = null;
  return (await ignoreNotFound(
    api.patchNamespacedCustomObjectStatus(
      {
        group: TEKTON_GROUP,
        version: TEKTON_VERSION,
        plural,
        namespace: object.metadata?.namespace ?? 'default',
        name: object.metadata?.name ?? '',
        body: { status: body },
      },
      mergePatch,
    ),
  )) as T | undefined;
}

/** JSON with dates as strings and keys sorted, so equal statuses compare equal. */
function normalize(value: unknown): unknown {
  const plain = JSON.parse(JSON.stringify(value ?? null)) as unknown;
  const sort = (item: unknown): unknown => {
    if (Array.isArray(item)) return item.map(sort);
    if (item && typeof item === 'object')
      return Object.fromEntries(
        Object.entries(item)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, inner]) => [key, sort(inner)]),
      );
    return item;
  };
  return sort(plain);
}

/** Remembers the objects this controller wrote, to prefer them over older cached copies. */
export class LatestObjects<T extends KubernetesObject> {
  private readonly written = new Map<string, T>();

  remember(object: T | undefined): void {
    const uid = object?.metadata?.uid;
    if (object && uid) this.written.set(uid, object);
  }

  latest(cached: T | undefined): T | undefined {
    const uid = cached?.metadata?.uid;
    const written = uid ? this.written.get(uid) : undefined;
    if (!cached || !written) return cached;
    const version = (object: T): bigint => {
      try {
        return BigInt(object.metadata?.resourceVersion ?? '0');
      } catch {
        return 0n;
      }
    };
    if (version(written) > version(cached)) return written;
    this.written.delete(uid ?? '');
    return cached;
  }

  forget(uid: string | undefined): void {
    if (uid) this.written.delete(uid);
  }
}
