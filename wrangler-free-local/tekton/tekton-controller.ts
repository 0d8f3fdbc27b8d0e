/**
 * The simulated Tekton Pipelines controller: informers on PipelineRuns, TaskRuns and the
 * pods of TaskRuns, and one work queue per kind, like tekton-pipelines-controller. Images
 * resolve through the cluster's image catalog, as Tekton's controller looks up an image's
 * entrypoint in its registry.
 */
import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type V1Pod,
} from '@kubernetes/client-node';
import { WorkQueue } from '../../src/engine/work-queue.ts';
import { createEventRecorder } from '../../src/kube/event-recorder.ts';
import { startInformer, type InformerHandle } from '../../src/kube/informer.ts';
import type { ImageCatalog } from '../cluster/image-catalog.ts';
import { controllerOf, isControlledBy } from '../cluster/owned-by.ts';
import { reconcilePipelineRun, type PipelineRunContext } from './pipeline-run-reconciler.ts';
import { reconcileTaskRun, type TaskRunContext } from './task-run-reconciler.ts';
import { LatestObjects, listTekton, tektonPath } from './tekton-api.ts';
import type { PipelineRun, TaskRun } from './types.ts';

export interface TektonControllerOptions {
  kc: KubeConfig;
  catalog: ImageCatalog;
  onError?: (error: unknown) => void;
}

const keyOf = (object: { metadata?: { namespace?: string; name?: string } }): string =>
  `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;

export class TektonController {
  private readonly options: TektonControllerOptions;
  private readonly core: CoreV1Api;
  private readonly custom: CustomObjectsApi;
  private readonly pipelineRunQueue: WorkQueue;
  private readonly taskRunQueue: WorkQueue;
  private pipelineRuns?: InformerHandle<PipelineRun>;
  private taskRuns?: InformerHandle<TaskRun>;
  private pods?: InformerHandle<V1Pod>;
  private readonly pipelineRunContext: PipelineRunContext;
  private readonly taskRunContext: TaskRunContext;

  constructor(options: TektonControllerOptions) {
    this.options = options;
    this.core = options.kc.makeApiClient(CoreV1Api);
    this.custom = options.kc.makeApiClient(CustomObjectsApi);
    const events = createEventRecorder(
      (namespace, event) => this.core.createNamespacedEvent({ namespace, body: event }),
      'tekton-pipelines-controller',
      options.onError,
    );
    const onError = (_key: string, error: unknown): void => options.onError?.(error);
    this.pipelineRunQueue = new WorkQueue({
      concurrency: 8,
      process: (key) =>
        reconcilePipelineRun(this.pipelineRunContext, this.get(this.pipelineRuns, key)),
      onError,
    });
    this.taskRunQueue = new WorkQueue({
      concurrency: 8,
      process: (key) => reconcileTaskRun(this.taskRunContext, this.get(this.taskRuns, key)),
      onError,
    });
    this.pipelineRunContext = {
      core: this.core,
      custom: this.custom,
      events,
      pipelineRuns: new LatestObjects<PipelineRun>(),
      taskRunsOf: (run) => this.taskRunsOf(run),
    };
    this.taskRunContext = {
      core: this.core,
      custom: this.custom,
      events,
      resolveImage: (image) => options.catalog.resolve(image),
      taskRuns: new LatestObjects<TaskRun>(),
      getPod: (namespace, name) => this.pods?.cache.get(name, namespace),
    };
  }

  async start(): Promise<void> {
    const { kc, onError } = this.options;
    this.pipelineRuns = startInformer({
      kc,
      path: tektonPath('pipelineruns'),
      list: () =>
        listTekton(this.custom, 'pipelineruns') as Promise<KubernetesListObject<PipelineRun>>,
      onEvent: (event, run) => {
        if (event === 'delete') this.pipelineRunContext.pipelineRuns.forget(run.metadata?.uid);
        else this.pipelineRunQueue.add(keyOf(run));
      },
      onError,
    });
    this.taskRuns = startInformer({
      kc,
      path: tektonPath('taskruns'),
      list: () => listTekton(this.custom, 'taskruns') as Promise<KubernetesListObject<TaskRun>>,
      onEvent: (event, taskRun) => {
        if (event === 'delete') this.taskRunContext.taskRuns.forget(taskRun.metadata?.uid);
        else this.taskRunQueue.add(keyOf(taskRun));
        const owner = controllerOf(taskRun.metadata);
        if (owner?.kind === 'PipelineRun')
          this.pipelineRunQueue.add(`${taskRun.metadata?.namespace ?? ''}/${owner.name}`);
      },
      onError,
    });
    this.pods = startInformer<V1Pod>({
      kc,
      path: '/api/v1/pods',
      list: () =>
        this.core.listPodForAllNamespaces({
          labelSelector: 'app.kubernetes.io/managed-by=tekton-pipelines',
        }),
      labelSelector: 'app.kubernetes.io/managed-by=tekton-pipelines',
      onEvent: (_event, pod) => {
        const owner = controllerOf(pod.metadata);
        if (owner?.kind === 'TaskRun')
          this.taskRunQueue.add(`${pod.metadata?.namespace ?? ''}/${owner.name}`);
      },
      onError,
    });
    await Promise.all([this.pipelineRuns.synced, this.taskRuns.synced, this.pods.synced]);
  }

  async stop(): Promise<void> {
    await Promise.all([this.pipelineRuns?.stop(), this.taskRuns?.stop(), this.pods?.stop()]);
    await Promise.all([this.pipelineRunQueue.close(), this.taskRunQueue.close()]);
  }

  private get<T extends KubernetesObject>(
    informer: InformerHandle<T> | undefined,
    key: string,
  ): T | undefined {
    const [namespace = '', name = ''] = key.split('/');
    return informer?.cache.get(name, namespace);
  }

  private taskRunsOf(run: PipelineRun): Map<string, TaskRun> {
    const namespace = run.metadata?.namespace ?? 'default';
    const owned = (this.taskRuns?.cache.list(namespace) ?? []).filter((taskRun) =>
      isControlledBy(taskRun.metadata, run.metadata?.uid),
    );
    return new Map(
      owned.map((cached) => {
        const taskRun = this.taskRunContext.taskRuns.latest(cached) ?? cached;
        return [taskRun.metadata?.labels?.['tekton.dev/pipelineTask'] ?? '', taskRun];
      }),
    );
  }
}
