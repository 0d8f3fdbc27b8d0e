/**
 * Workspaces: a run's bindings become PVCs and pod volumes. A `volumeClaimTemplate` yields
 * one PVC per run named as Tekton names it (`<template name or "pvc">-<hash>`), owned by the
 * run, so it lives as long as the run and is shared by all of its TaskRuns.
 */
import { createHash } from 'node:crypto';
import type { V1PersistentVolumeClaim, V1Volume } from '@kubernetes/client-node';
import type { WorkspaceBinding, WorkspacePipelineTaskBinding } from './types.ts';

/** volumeclaim.GetPVCName: sha256(workspace + owner) cut to 10 hex digits. */
export function claimNameOf(binding: WorkspaceBinding, ownerUid: string): string {
  const hash = createHash('sha256')
    .update(binding.name + ownerUid)
    .digest('hex')
    .slice(0, 10);
  return `${binding.volumeClaimTemplate?.metadata?.name ?? 'pvc'}-${hash}`;
}

/** The PVCs a run's volumeClaimTemplate bindings need (without owner references). */
export function claimsFor(
  bindings: readonly WorkspaceBinding[],
  ownerUid: string,
  namespace: string,
): V1PersistentVolumeClaim[] {
  return bindings.flatMap((binding) => {
    const template = binding.volumeClaimTemplate;
    if (!template) return [];
    return [
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: {
          ...template.metadata,
          name: claimNameOf(binding, ownerUid),
          namespace,
        },
        spec: template.spec,
      },
    ];
  });
}

/** A pipeline-level binding seen by one pipeline task, as the TaskRun's own binding. */
export function bindForTask(
  runBindings: readonly WorkspaceBinding[],
  taskBinding: WorkspacePipelineTaskBinding,
  ownerUid: string,
): WorkspaceBinding | undefined {
  const source = runBindings.find(
    (binding) => binding.name === (taskBinding.workspace ?? taskBinding.name),
  );
  if (!source) return undefined;
  const subPath = [source.subPath, taskBinding.subPath].filter(Boolean).join('/');
  const { volumeClaimTemplate, ...rest } = source;
  return {
    ...rest,
    name: taskBinding.name,
    ...(subPath ? { subPath } : {}),
    ...(volumeClaimTemplate
      ? { persistentVolumeClaim: { claimName: claimNameOf(source, ownerUid) } }
      : {}),
  };
}

/** The pod volume of a TaskRun binding (`ws-<name>`), or undefined for an unsupported kind. */
export function volumeOf(binding: WorkspaceBinding, taskRunUid: string): V1Volume | undefined {
  const name = `ws-${binding.name}`;
  const claim =
    binding.persistentVolumeClaim?.claimName ??
    (binding.volumeClaimTemplate ? claimNameOf(binding, taskRunUid) : undefined);
  if (claim) return { name, persistentVolumeClaim: { claimName: claim } };
  if (binding.emptyDir) return { name, emptyDir: binding.emptyDir };
  if (binding.configMap) return { name, configMap: binding.configMap };
  if (binding.secret) return { name, secret: binding.secret };
  return undefined;
}
