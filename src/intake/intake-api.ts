/**
 * The API calls the alert intake makes, over client-node: create a run, cancel one, read and
 * write a run's status, read owner references. Behind an interface so the intake runs on
 * fakes in unit tests and on the embedded API server everywhere else.
 */
import { AppsV1Api, CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { OwnerReferenceLike } from '../alerts/alert-target.ts';
import { GROUP, VERSION } from '../api/group.ts';
import type { WorkflowExecution } from '../api/workflow-execution.ts';
import { isNotFound } from '../kube/errors.ts';
import { mergePatch } from '../kube/patch-options.ts';
import type { OwnedKind } from './owner-chain.ts';

export interface IntakeApi {
  createRun(run: WorkflowExecution): Promise<WorkflowExecution>;
  cancelRun(namespace: string, name: string): Promise<void>;
  getRun(namespace: string, name: string): Promise<WorkflowExecution | undefined>;
  replaceRunStatus(run: WorkflowExecution): Promise<unknown>;
  readOwners(
    kind: OwnedKind,
    namespace: string,
    name: string,
  ): Promise<readonly OwnerReferenceLike[] | undefined>;
}

const RUNS = { group: GROUP, version: VERSION, plural: 'workflowexecutions' } as const;

export function createIntakeApi(kc: KubeConfig): IntakeApi {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const orUndefined = async <T>(call: Promise<T>): Promise<T | undefined> => {
    try {
      return await call;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };
  return {
    async createRun(run) {
      const namespace = run.metadata.namespace ?? 'default';
      return (await custom.createNamespacedCustomObject({
        ...RUNS,
        namespace,
        body: run,
      })) as WorkflowExecution;
    },
    async cancelRun(namespace, name) {
      await custom.patchNamespacedCustomObject(
        { ...RUNS, namespace, name, body: { spec: { cancel: true } } },
        mergePatch,
      );
    },
    getRun: (namespace, name) =>
      orUndefined(
        custom.getNamespacedCustomObject({
          ...RUNS,
          namespace,
          name,
        }) as Promise<WorkflowExecution>,
      ),
    replaceRunStatus: (run) =>
      custom.replaceNamespacedCustomObjectStatus({
        ...RUNS,
        namespace: run.metadata.namespace ?? 'default',
        name: run.metadata.name ?? '',
        body: run,
      }),
    async readOwners(kind, namespace, name) {
      const object =
        kind === 'Pod'
          ? await orUndefined(core.readNamespacedPod({ namespace, name }))
          : await orUndefined(apps.readNamespacedReplicaSet({ namespace, name }));
      return object ? (object.metadata?.ownerReferences ?? []) : undefined;
    },
  };
}
