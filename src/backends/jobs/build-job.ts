/**
 * The Job of one step attempt (pure). Attempts are the dispatcher's (backoffLimit 0), so each
 * is visible; the pod is hardened; inputs travel as JSON in ACTION_INPUTS (invariant 7) and
 * never through a shell.
 */
import type { V1Job } from '@kubernetes/client-node';
import type { ActionContract } from '../../api/action-contract.ts';
import type { ActionExecution } from '../../api/action-execution.ts';
import { parseDuration } from '../../api/duration.ts';
import { ACTION_EXECUTION_LABEL, attemptLabels, RUN_NAME_ANNOTATION } from '../../api/labels.ts';
import { ownerReferenceTo } from './owner-reference.ts';

export const WORKSPACE_MOUNT_PATH = '/workspace';
/** The UID of distroless "nonroot"; any non-zero UID works. */
const NON_ROOT_UID = 65532;

export interface JobOptions {
  /** The verified digest; the Job runs exactly what was verified. */
  digest: string;
  contract?: ActionContract | undefined;
  /** Inputs after contract defaults were applied. */
  inputs?: Record<string, unknown> | undefined;
  ttlSecondsAfterFinished: number;
  defaultServiceAccountName: string;
}

export function buildJob(action: ActionExecution, options: JobOptions): V1Job {
  const labels = {
    ...attemptLabels(action.spec.workflowRef.uid ?? '', action.spec.step, action.spec.attempt),
    [ACTION_EXECUTION_LABEL]: action.metadata.name ?? '',
  };
  const timeoutMs = parseDuration(action.spec.timeout ?? '');
  const claimName = action.spec.workspace?.claimName;
  const needsApi = (options.contract?.spec.permissions.length ?? 0) > 0;
  const resources = options.contract?.spec.resources;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: action.metadata.name ?? '',
      namespace: action.metadata.namespace ?? 'default',
      labels,
      annotations: { [RUN_NAME_ANNOTATION]: action.spec.workflowRef.name },
      ownerReferences: [ownerReferenceTo({ ...action, metadata: action.metadata })],
    },
    spec: {
      backoffLimit: 0,
      ...(timeoutMs === undefined
        ? {}
        : { activeDeadlineSeconds: Math.max(1, Math.ceil(timeoutMs / 1000)) }),
      ttlSecondsAfterFinished: options.ttlSecondsAfterFinished,
      template: {
        metadata: { labels, annotations: { [RUN_NAME_ANNOTATION]: action.spec.workflowRef.name } },
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: action.spec.serviceAccountName ?? options.defaultServiceAccountName,
          automountServiceAccountToken: needsApi,
          enableServiceLinks: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: NON_ROOT_UID,
            runAsGroup: NON_ROOT_UID,
            fsGroup: NON_ROOT_UID,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'action',
              image: imageByDigest(action.spec.image, options.digest),
              imagePullPolicy: 'IfNotPresent',
              env: [
                {
                  name: 'ACTION_INPUTS',
                  value: JSON.stringify(options.inputs ?? action.spec.inputs),
                },
                { name: 'KUBERNAUT_ACTION_TYPE', value: action.spec.actionType },
                { name: 'KUBERNAUT_WORKFLOW_EXECUTION', value: action.spec.workflowRef.name },
                { name: 'KUBERNAUT_STEP', value: action.spec.step },
                { name: 'KUBERNAUT_ATTEMPT', value: String(action.spec.attempt) },
              ],
              ...(resources ? { resources: stringifyQuantities(resources) } : {}),
              terminationMessagePolicy: 'FallbackToLogsOnError',
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [
                { name: 'tmp', mountPath: '/tmp' },
                ...(claimName ? [{ name: 'workspace', mountPath: WORKSPACE_MOUNT_PATH }] : []),
              ],
            },
          ],
          volumes: [
            { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
            ...(claimName ? [{ name: 'workspace', persistentVolumeClaim: { claimName } }] : []),
          ],
        },
      },
    },
  };
}

/** repo[:tag]@sha256:… → repo@<verified digest>: what runs is what was verified. */
export function imageByDigest(image: string, digest: string): string {
  const repository = image.split('@')[0] ?? image;
  const slash = repository.lastIndexOf('/');
  const colon = repository.lastIndexOf(':');
  const withoutTag = colon > slash ? repository.slice(0, colon) : repository;
  return `${withoutTag}@${digest}`;
}

function stringifyQuantities(resources: NonNullable<ActionContract['spec']['resources']>): {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
} {
  const toStrings = (map: Record<string, string | number> | undefined) =>
    map
      ? Object.fromEntries(Object.entries(map).map(([key, value]) => [key, String(value)]))
      : undefined;
  const requests = toStrings(resources.requests);
  const limits = toStrings(resources.limits);
  return { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) };
}
