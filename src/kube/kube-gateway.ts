/**
 * Every write and read the engine makes to the API server, typed and counted by verb,
 * resource and HTTP code (kubernaut_kube_api_requests_total). Informers' list and watch are
 * not counted here: they are the cost of the caches, not of a run.
 */
import {
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type CoreV1Event,
  type KubeConfig,
  type V1Job,
  type V1PersistentVolumeClaim,
} from '@kubernetes/client-node';
import type { ActionExecution } from '../api/action-execution.ts';
import { GROUP, VERSION } from '../api/group.ts';
import type { WorkflowExecution } from '../api/workflow-execution.ts';
import { statusCodeOf } from './errors.ts';
import { mergePatch } from './patch-options.ts';

const TEKTON = { group: 'tekton.dev', version: 'v1' } as const;

export type RequestRecorder = (verb: string, resource: string, code: number | 'error') => void;

const RUNS = 'workflowexecutions';
const ACTIONS = 'actionexecutions';

export class KubeGateway {
  readonly core: CoreV1Api;
  readonly batch: BatchV1Api;
  readonly customObjects: CustomObjectsApi;
  private readonly record: RequestRecorder;

  constructor(kc: KubeConfig, record: RequestRecorder = () => undefined) {
    this.core = kc.makeApiClient(CoreV1Api);
    this.batch = kc.makeApiClient(BatchV1Api);
    this.customObjects = kc.makeApiClient(CustomObjectsApi);
    this.record = record;
  }

  getRun(namespace: string, name: string): Promise<unknown> {
    return this.call('get', RUNS, () =>
      this.customObjects.getNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: RUNS,
        name,
      }),
    );
  }

  /** PUT /status with the object's resourceVersion: a stale write answers 409. */
  replaceRunStatus(run: WorkflowExecution): Promise<unknown> {
    return this.replaceStatus(RUNS, run);
  }

  replaceActionStatus(action: ActionExecution): Promise<unknown> {
    return this.replaceStatus(ACTIONS, action);
  }

  createActionExecution(action: ActionExecution): Promise<unknown> {
    const namespace = action.metadata.namespace ?? 'default';
    return this.call('create', ACTIONS, () =>
      this.customObjects.createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: ACTIONS,
        body: action,
      }),
    );
  }

  /** Background propagation: the Job and its pod go with it, through the garbage collector. */
  deleteActionExecution(namespace: string, name: string): Promise<unknown> {
    return this.call('delete', ACTIONS, () =>
      this.customObjects.deleteNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: ACTIONS,
        name,
        propagationPolicy: 'Background',
      }),
    );
  }

  createJob(job: V1Job): Promise<unknown> {
    const namespace = job.metadata?.namespace ?? 'default';
    return this.call('create', 'jobs', () =>
      this.batch.createNamespacedJob({ namespace, body: job }),
    );
  }

  deleteJob(namespace: string, name: string): Promise<unknown> {
    return this.call('delete', 'jobs', () =>
      this.batch.deleteNamespacedJob({ namespace, name, propagationPolicy: 'Background' }),
    );
  }

  createClaim(claim: V1PersistentVolumeClaim): Promise<unknown> {
    const namespace = claim.metadata?.namespace ?? 'default';
    return this.call('create', 'persistentvolumeclaims', () =>
      this.core.createNamespacedPersistentVolumeClaim({ namespace, body: claim }),
    );
  }

  deleteClaim(namespace: string, name: string): Promise<unknown> {
    return this.call('delete', 'persistentvolumeclaims', () =>
      this.core.deleteNamespacedPersistentVolumeClaim({ namespace, name }),
    );
  }

  readPodLog(namespace: string, name: string, container: string): Promise<string> {
    return this.call('get', 'pods/log', () =>
      this.core.readNamespacedPodLog({
        namespace,
        name,
        container,
        limitBytes: 64 * 1024,
        tailLines: 200,
      }),
    );
  }

  /** Whether the API server serves tekton.dev/v1 PipelineRuns (Tekton Pipelines installed). */
  async servesPipelineRuns(): Promise<boolean> {
    try {
      const list = await this.call('get', 'apis/tekton.dev', () =>
        this.customObjects.getAPIResources(TEKTON),
      );
      return list.resources.some((resource) => resource.name === 'pipelineruns');
    } catch (error) {
      if (statusCodeOf(error) === 404) return false;
      throw error;
    }
  }

  createTektonObject(
    plural: 'pipelineruns' | 'tasks',
    object: { metadata?: { namespace?: string } },
  ): Promise<unknown> {
    const namespace = object.metadata?.namespace ?? 'default';
    return this.call('create', plural, () =>
      this.customObjects.createNamespacedCustomObject({
        ...TEKTON,
        namespace,
        plural,
        body: object,
      }),
    );
  }

  /** Tekton's cancel: `spec.status: Cancelled` stops every TaskRun, finally tasks included. */
  cancelPipelineRun(namespace: string, name: string): Promise<unknown> {
    return this.call('patch', 'pipelineruns', () =>
      this.customObjects.patchNamespacedCustomObject(
        {
          ...TEKTON,
          namespace,
          plural: 'pipelineruns',
          name,
          body: { spec: { status: 'Cancelled' } },
        },
        mergePatch,
      ),
    );
  }

  createEvent(namespace: string, event: CoreV1Event): Promise<unknown> {
    return this.call('create', 'events', () =>
      this.core.createNamespacedEvent({ namespace, body: event }),
    );
  }

  private replaceStatus(
    plural: string,
    object: WorkflowExecution | ActionExecution,
  ): Promise<unknown> {
    const namespace = object.metadata.namespace ?? 'default';
    const name = object.metadata.name ?? '';
    return this.call('update', `${plural}/status`, () =>
      this.customObjects.replaceNamespacedCustomObjectStatus({
        group: GROUP,
        version: VERSION,
        namespace,
        plural,
        name,
        body: object,
      }),
    );
  }

  private async call<T>(verb: string, resource: string, request: () => Promise<T>): Promise<T> {
    try {
      const result = await request();
      this.record(verb, resource, verb === 'create' ? 201 : 200);
      return result;
    } catch (error) {
      this.record(verb, resource, statusCodeOf(error) ?? 'error');
      throw error;
    }
  }
}
