/** The run's shared workspace: one ReadWriteOnce claim, owned by the run (pure). */
import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import {
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  RUN_NAME_ANNOTATION,
  RUN_UID_LABEL,
} from '../../api/labels.ts';
import type { WorkflowExecution } from '../../api/workflow-execution.ts';
import { ownerReferenceTo } from './owner-reference.ts';

export interface WorkspaceOptions {
  size: string;
  storageClassName?: string | undefined;
}

export function buildWorkspaceClaim(
  run: WorkflowExecution,
  claimName: string,
  options: WorkspaceOptions,
): V1PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: claimName,
      namespace: run.metadata.namespace ?? 'default',
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [RUN_UID_LABEL]: run.metadata.uid ?? '' },
      annotations: { [RUN_NAME_ANNOTATION]: run.metadata.name ?? '' },
      ownerReferences: [ownerReferenceTo(run)],
    },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: options.size } },
      ...(options.storageClassName ? { storageClassName: options.storageClassName } : {}),
    },
  };
}
