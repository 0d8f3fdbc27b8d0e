/**
 * The caches of the Tekton backend, started only when Tekton is installed: PipelineRuns and
 * TaskRuns carrying a run's uid label (Tekton copies a PipelineRun's labels onto its
 * TaskRuns, but sets its own managed-by there), indexed by run uid. Each change enqueues the
 * run named by the annotation Tekton also copies.
 */
import type { KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import { RUN_NAME_ANNOTATION, RUN_UID_LABEL } from '../api/labels.ts';
import type { WorkflowExecution } from '../api/workflow-execution.ts';
import type { ObservedPipeline } from '../backends/tekton/plan-tekton-run.ts';
import type { PipelineRun, TaskRun } from '../backends/tekton/tekton-types.ts';
import { TEKTON_GROUP, TEKTON_VERSION } from '../backends/tekton/tekton-types.ts';
import type { KubeGateway } from '../kube/kube-gateway.ts';
import { LabelIndex } from '../kube/label-index.ts';
import type { SharedInformers } from '../kube/shared-informers.ts';
import { pipelineRunName } from '../workflow/child-names.ts';

export function watchTektonRuns(
  informers: SharedInformers,
  gateway: KubeGateway,
  enqueueRun: (key: string) => void,
): { observe(run: WorkflowExecution): ObservedPipeline } {
  const list = (plural: string) => () =>
    gateway.customObjects.listClusterCustomObject({
      group: TEKTON_GROUP,
      version: TEKTON_VERSION,
      plural,
      labelSelector: RUN_UID_LABEL,
    }) as Promise<KubernetesListObject<KubernetesObject>>;
  const path = (plural: string) => `/apis/${TEKTON_GROUP}/${TEKTON_VERSION}/${plural}`;
  const pipelineRuns = informers.informer(
    path('pipelineruns'),
    list('pipelineruns'),
    RUN_UID_LABEL,
  );
  const taskRuns = informers.informer(path('taskruns'), list('taskruns'), RUN_UID_LABEL);
  const taskRunsByRun = new LabelIndex<KubernetesObject>(RUN_UID_LABEL);
  const enqueueOwner = (object: KubernetesObject): void => {
    const runName = object.metadata?.annotations?.[RUN_NAME_ANNOTATION];
    if (runName) enqueueRun(`${object.metadata?.namespace ?? ''}/${runName}`);
  };
  pipelineRuns.subscribe((_event, object) => {
    enqueueOwner(object);
  });
  taskRuns.subscribe((event, object) => {
    taskRunsByRun.update(event, object);
    enqueueOwner(object);
  });
  return {
    observe(run) {
      const namespace = run.metadata.namespace ?? 'default';
      const pipelineRun = pipelineRuns.cache.get(
        pipelineRunName(run.metadata.name ?? ''),
        namespace,
      );
      return {
        pipelineRun: pipelineRun as PipelineRun | undefined,
        taskRuns: taskRunsByRun
          .get(run.metadata.uid ?? '')
          .filter((taskRun) => taskRun.metadata?.namespace === namespace) as TaskRun[],
      };
    },
  };
}
