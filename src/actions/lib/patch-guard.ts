/**
 * What a generic merge patch may not touch (pure): an object's identity and ownership, its
 * status, and a workload's pod spec — a merge patch replaces lists whole, so it could swap
 * containers, images, volumes or the service account; the dedicated actions change pod specs
 * within bounds instead.
 */
export const PATCHABLE_KINDS = {
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  HorizontalPodAutoscaler: 'autoscaling/v2',
  ConfigMap: 'v1',
  PodDisruptionBudget: 'policy/v1',
} as const;
export type PatchableKind = keyof typeof PATCHABLE_KINDS;

const FORBIDDEN_PATHS = [
  'apiVersion',
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'metadata.ownerReferences',
  'metadata.finalizers',
  'metadata.deletionTimestamp',
  'status',
  'spec.template.spec',
];

/** The forbidden paths the patch sets, empty when it is acceptable. */
export function forbiddenPatchPaths(patch: Record<string, unknown>): string[] {
  return FORBIDDEN_PATHS.filter((path) => reaches(patch, path.split('.')));
}

function reaches(value: unknown, path: readonly string[]): boolean {
  const [head, ...rest] = path;
  if (head === undefined) return true;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  if (!Object.hasOwn(value, head)) return false;
  return reaches((value as Record<string, unknown>)[head], rest);
}
