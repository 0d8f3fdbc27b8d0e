/**
 * The Kubernetes side of the on-demand API: templates, runs and their Events, read and
 * written through the API server. Lists pass limit, continue and selectors straight through
 * (ADR 0017): the API server's continue token is a consistent snapshot that any replica can
 * resume, and the CRD's selectableFields make template, target and phase server-side filters.
 * API failures are classified into OnDemandError codes; their raw text stays in the log.
 */
import {
  CoreV1Api,
  CustomObjectsApi,
  type CoreV1Event,
  type KubeConfig,
} from '@kubernetes/client-node';
import { GROUP, VERSION } from '../api/group.ts';
import {
  remediationTemplateSchema,
  type RemediationTemplate,
} from '../api/remediation-template.ts';
import type { WorkflowExecution } from '../api/workflow-execution.ts';
import { statusCodeOf } from '../kube/errors.ts';
import { mergePatch } from '../kube/patch-options.ts';
import { poolConnections } from '../kube/pool-connections.ts';
import { OnDemandError } from './on-demand-error.ts';

const RUNS = 'workflowexecutions';
const TEMPLATES = 'remediationtemplates';

export interface RunListQuery {
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  limit: number;
  continueToken?: string | undefined;
}

export interface RunPage {
  items: WorkflowExecution[];
  continueToken?: string;
}

/** The message of a Kubernetes Status body, when the error carries one. */
function apiMessage(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body) as { message?: unknown };
      if (typeof parsed.message === 'string') return parsed.message;
    } catch {
      // not a Status body
    }
  }
  return 'the Kubernetes API refused the request';
}

export function classifyApiError(error: unknown, what: string): OnDemandError {
  const code = statusCodeOf(error);
  if (code === 404) return new OnDemandError('NotFound', `${what} not found`);
  if (code === 400 || code === 422) return new OnDemandError('Invalid', apiMessage(error));
  if (code === 410) {
    return new OnDemandError('Invalid', 'the continue token has expired: list from the start');
  }
  if (code === 403) {
    return new OnDemandError('Unavailable', `the dispatcher may not access ${what} (RBAC)`);
  }
  return new OnDemandError('Unavailable', `the Kubernetes API is unavailable for ${what}`);
}

export class RunStore {
  private readonly custom: CustomObjectsApi;
  private readonly core: CoreV1Api;

  constructor(kubeConfig: KubeConfig) {
    // Keep-alive connections: without pooling every call pays a TLS handshake.
    const kc = poolConnections(kubeConfig);
    this.custom = kc.makeApiClient(CustomObjectsApi);
    this.core = kc.makeApiClient(CoreV1Api);
  }

  async getTemplate(namespace: string, name: string): Promise<RemediationTemplate> {
    const what = `RemediationTemplate ${namespace}/${name}`;
    const object: unknown = await this.custom
      .getNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: TEMPLATES,
        name,
      })
      .catch((error: unknown) => {
        throw classifyApiError(error, what);
      });
    const parsed = remediationTemplateSchema.safeParse(object);
    if (!parsed.success) throw new OnDemandError('Invalid', `${what} is not valid`);
    return parsed.data;
  }

  /** The created run, or undefined when one of that name exists already. */
  async createRun(run: WorkflowExecution): Promise<WorkflowExecution | undefined> {
    const namespace = run.metadata.namespace ?? 'default';
    try {
      return (await this.custom.createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: RUNS,
        body: run,
      })) as WorkflowExecution;
    } catch (error) {
      if (statusCodeOf(error) === 409) return undefined;
      throw classifyApiError(error, `WorkflowExecution ${namespace}/${run.metadata.name ?? ''}`);
    }
  }

  async getRun(namespace: string, name: string): Promise<WorkflowExecution> {
    return (await this.custom
      .getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: RUNS, name })
      .catch((error: unknown) => {
        throw classifyApiError(error, `WorkflowExecution ${namespace}/${name}`);
      })) as WorkflowExecution;
  }

  async listRuns(query: RunListQuery): Promise<RunPage> {
    const common = {
      group: GROUP,
      version: VERSION,
      plural: RUNS,
      limit: query.limit,
      ...(query.labelSelector ? { labelSelector: query.labelSelector } : {}),
      ...(query.fieldSelector ? { fieldSelector: query.fieldSelector } : {}),
      ...(query.continueToken ? { _continue: query.continueToken } : {}),
    };
    const list = (await (
      query.namespace
        ? this.custom.listNamespacedCustomObject({ ...common, namespace: query.namespace })
        : this.custom.listClusterCustomObject(common)
    ).catch((error: unknown) => {
      throw classifyApiError(error, 'WorkflowExecutions');
    })) as { items?: WorkflowExecution[]; metadata?: { continue?: string } };
    const continueToken = list.metadata?.continue;
    return { items: list.items ?? [], ...(continueToken ? { continueToken } : {}) };
  }

  /**
   * A JSON merge patch of the spec, conditional on the resourceVersion that was read: two
   * approvers racing cannot both win; the loser's 409 makes the caller re-read and re-decide.
   */
  async patchRunSpec(
    run: WorkflowExecution,
    spec: Partial<WorkflowExecution['spec']>,
    annotations?: Readonly<Record<string, string>>,
  ): Promise<WorkflowExecution | 'conflict'> {
    const { namespace = 'default', name = '', resourceVersion } = run.metadata;
    try {
      return (await this.custom.patchNamespacedCustomObject(
        {
          group: GROUP,
          version: VERSION,
          namespace,
          plural: RUNS,
          name,
          body: { metadata: { resourceVersion, ...(annotations ? { annotations } : {}) }, spec },
        },
        mergePatch,
      )) as WorkflowExecution;
    } catch (error) {
      if (statusCodeOf(error) === 409) return 'conflict';
      throw classifyApiError(error, `WorkflowExecution ${namespace}/${name}`);
    }
  }

  /** The run's Events, oldest first: its timeline as `kubectl describe` shows it. */
  async listRunEvents(run: WorkflowExecution): Promise<CoreV1Event[]> {
    const { namespace = 'default', name = '', uid } = run.metadata;
    const selector = [
      'involvedObject.kind=WorkflowExecution',
      `involvedObject.name=${name}`,
      ...(uid ? [`involvedObject.uid=${uid}`] : []),
    ].join(',');
    const list = await this.core
      .listNamespacedEvent({ namespace, fieldSelector: selector, limit: 500 })
      .catch((error: unknown) => {
        throw classifyApiError(error, `Events of ${namespace}/${name}`);
      });
    const time = (event: CoreV1Event): number =>
      new Date(event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? 0).getTime();
    return [...list.items].sort((a, b) => time(a) - time(b));
  }
}
