/**
 * How to take a pod out of traffic and out of its owner (pure): remove every label that a
 * selecting Service or the owner's selector relies on, mark the pod as quarantined, keep
 * the removed labels in an annotation for whoever restores it, and drop the controller
 * reference so the owner starts a replacement (the real controllers release a pod whose
 * labels stop matching; doing it here makes that immediate and explicit).
 */
import type { V1LabelSelector, V1Pod, V1Service } from '@kubernetes/client-node';

export const QUARANTINE_LABEL = 'kubernaut.ai/quarantined';
export const QUARANTINED_LABELS_ANNOTATION = 'kubernaut.ai/quarantined-labels';

export interface QuarantinePlan {
  removedLabels: Record<string, string>;
  services: string[];
  /** The merge patch of the pod. */
  patch: object;
}

export function selectsPod(service: V1Service, labels: Record<string, string>): boolean {
  const selector = service.spec?.selector ?? {};
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([key, value]) => labels[key] === value);
}

/** Label keys a selector needs present (equality, In, Exists); removing one unselects. */
export function requiredKeys(selector: V1LabelSelector | undefined): string[] {
  const expressions = (selector?.matchExpressions ?? [])
    .filter((expression) => expression.operator === 'In' || expression.operator === 'Exists')
    .map((expression) => expression.key);
  return [...Object.keys(selector?.matchLabels ?? {}), ...expressions];
}

export function planQuarantine(
  pod: V1Pod,
  services: readonly V1Service[],
  ownerSelector: V1LabelSelector | undefined,
): QuarantinePlan {
  const labels = pod.metadata?.labels ?? {};
  const selecting = services.filter((service) => selectsPod(service, labels));
  const keys = new Set([
    ...selecting.flatMap((service) => Object.keys(service.spec?.selector ?? {})),
    ...requiredKeys(ownerSelector),
  ]);
  const removedLabels = Object.fromEntries(Object.entries(labels).filter(([key]) => keys.has(key)));
  const owners = pod.metadata?.ownerReferences ?? [];
  return {
    removedLabels,
    services: selecting.map((service) => service.metadata?.name ?? '').sort(),
    patch: {
      metadata: {
        resourceVersion: pod.metadata?.resourceVersion,
        labels: {
          ...Object.fromEntries(Object.keys(removedLabels).map((key) => [key, null])),
          [QUARANTINE_LABEL]: 'true',
        },
        annotations: { [QUARANTINED_LABELS_ANNOTATION]: JSON.stringify(removedLabels) },
        ownerReferences: owners.filter((owner) => owner.controller !== true),
      },
    },
  };
}
