/**
 * The V1 engine: informers feed two work queues (runs and step attempts); each queue calls
 * its reconciler. No polling: every reconcile is caused by a watch event or a requeue time
 * the planner asked for.
 */
import { PER_ACTION_SERVICE_ACCOUNTS } from '../backends/action-service-account.ts';
import type {
  KubeConfig,
  KubernetesListObject,
  KubernetesObject,
  V1Job,
  V1PersistentVolumeClaim,
  V1Pod,
} from '@kubernetes/client-node';
import { GROUP, VERSION } from '../api/group.ts';
import {
  ACTION_EXECUTION_LABEL,
  MANAGED_SELECTOR,
  RUN_NAME_ANNOTATION,
  RUN_UID_LABEL,
} from '../api/labels.ts';
import type { WorkspaceOptions } from '../backends/jobs/build-workspace-claim.ts';
import { digestPinningCheck, type StepStartCheck } from '../backends/jobs/step-start-check.ts';
import { createEventRecorder, type EventRecorder } from '../kube/event-recorder.ts';
import { KubeGateway } from '../kube/kube-gateway.ts';
import { LabelIndex } from '../kube/label-index.ts';
import { poolConnections } from '../kube/pool-connections.ts';
import { retryOnError } from '../kube/retry.ts';
import { SharedInformers } from '../kube/shared-informers.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { ActionReconciler } from './action-reconciler.ts';
import { RunReconciler } from './run-reconciler.ts';
import { ownEverything, type RunAssignment } from './membership/assignment.ts';
import { WorkQueue } from './work-queue.ts';
import { decideBackend } from '../routing/decide-backend.ts';
import { watchRoutingFlags, type RoutingFlagsSource } from '../routing/watch-routing-flags.ts';
import { TektonRunner } from './tekton-runner.ts';
import { watchTektonRuns } from './tekton-informers.ts';

export interface EngineOptions {
  kc: KubeConfig;
  logger: Logger;
  metrics: Metrics;
  check?: StepStartCheck;
  concurrency?: number;
  workspace?: WorkspaceOptions;
  jobTtlSeconds?: number;
  actionServiceAccountName?: string;
  random?: () => number;
  now?: () => Date;
  /** Which runs this replica executes (default: all of them, a single replica). */
  assignment?: RunAssignment;
  /** Where the routing ConfigMap `kubernaut-routing` lives (the dispatcher's namespace). */
  routingNamespace?: string;
  /** `auto` (default) uses Tekton when the API server serves tekton.dev/v1 PipelineRuns. */
  tekton?: 'auto' | 'off';
  /**
   * The replica's informers, shared with the alert intake and the UI so each resource is
   * listed, watched and decoded once (main.ts); their owner stops them. Default: the engine's own.
   */
  informers?: SharedInformers;
}

const key = (object: KubernetesObject): string =>
  `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;

function objectAt<T>(
  cache: { get(name: string, namespace?: string): T | undefined },
  item: string,
): T | undefined {
  const slash = item.indexOf('/');
  return cache.get(item.slice(slash + 1), item.slice(0, slash));
}

/** Discovery: is Tekton installed? An unreachable API server counts as no (Jobs still run). */
async function servesPipelineRuns(gateway: KubeGateway, logger: Logger): Promise<boolean> {
  try {
    // Transient errors (a reset connection, a 503) are retried: a blip at start must not
    // turn the Tekton backend off for the replica's whole life.
    const served = await retryOnError(() => gateway.servesPipelineRuns());
    logger.info(
      served
        ? 'Tekton Pipelines found: the Tekton backend (V2) is available'
        : 'Tekton Pipelines not installed: every run uses the Jobs backend (V1)',
    );
    return served;
  } catch (error) {
    logger.warn({ err: error }, 'Tekton discovery failed: the Tekton backend is off');
    return false;
  }
}

export class Engine {
  private readonly informers: SharedInformers;
  private readonly ownsInformers: boolean;
  private readonly runQueue: WorkQueue;
  private readonly actionQueue: WorkQueue;
  private synced = false;
  private readonly events: EventRecorder;
  private tekton: TektonRunner | undefined;
  private readonly startTekton: () => Promise<void>;
  /** The live routing flags (ConfigMap kubernaut-routing). */
  readonly routing: RoutingFlagsSource;

  constructor(options: EngineOptions) {
    const { logger, metrics } = options;
    const kc = poolConnections(options.kc);
    const gateway = new KubeGateway(kc, (verb, resource, code) => {
      metrics.kubeRequests.inc({ verb, resource, code: String(code) });
    });
    const onError = (error: unknown): void => {
      logger.warn({ err: error }, 'informer error; restarting it');
    };
    this.informers = options.informers ?? new SharedInformers(kc, onError);
    this.ownsInformers = options.informers === undefined;
    const listCustom = (plural: string, labelSelector?: string) => () =>
      gateway.customObjects.listClusterCustomObject({
        group: GROUP,
        version: VERSION,
        plural,
        ...(labelSelector ? { labelSelector } : {}),
      }) as Promise<KubernetesListObject<KubernetesObject>>;
    const runs = this.informers.informer(
      `/apis/${GROUP}/${VERSION}/workflowexecutions`,
      listCustom('workflowexecutions'),
    );
    const actions = this.informers.informer(
      `/apis/${GROUP}/${VERSION}/actionexecutions`,
      listCustom('actionexecutions', MANAGED_SELECTOR),
      MANAGED_SELECTOR,
    );
    const jobs = this.informers.informer<V1Job>(
      '/apis/batch/v1/jobs',
      () => gateway.batch.listJobForAllNamespaces({ labelSelector: MANAGED_SELECTOR }),
      MANAGED_SELECTOR,
    );
    const pods = this.informers.informer<V1Pod>(
      '/api/v1/pods',
      () => gateway.core.listPodForAllNamespaces({ labelSelector: MANAGED_SELECTOR }),
      MANAGED_SELECTOR,
    );
    const claims = this.informers.informer<V1PersistentVolumeClaim>(
      '/api/v1/persistentvolumeclaims',
      () =>
        gateway.core.listPersistentVolumeClaimForAllNamespaces({ labelSelector: MANAGED_SELECTOR }),
      MANAGED_SELECTOR,
    );
    const actionsByRun = new LabelIndex<KubernetesObject>(RUN_UID_LABEL);
    const podsByAction = new LabelIndex<V1Pod>(ACTION_EXECUTION_LABEL);
    const events = createEventRecorder(
      (namespace, event) => gateway.createEvent(namespace, event),
      'kubernaut-dispatcher',
      (error) => {
        logger.debug({ err: error }, 'event not recorded');
      },
    );
    this.events = events;
    const now = options.now ?? (() => new Date());

    const routing = (this.routing = watchRoutingFlags({
      informers: this.informers,
      core: gateway.core,
      namespace: options.routingNamespace ?? 'default',
      logger,
      metrics,
      events,
    }));
    const random = options.random ?? Math.random;
    const workspace = options.workspace ?? { size: '1Gi' };
    const check = options.check ?? digestPinningCheck;
    const serviceAccountName = options.actionServiceAccountName ?? PER_ACTION_SERVICE_ACCOUNTS;
    // Tekton is discovered once, at start: installing it later takes a restart (docs/tekton.md).
    this.startTekton = async () => {
      if (options.tekton === 'off' || !(await servesPipelineRuns(gateway, logger))) return;
      const tektonRuns = watchTektonRuns(this.informers, gateway, (item) => {
        this.runQueue.add(item);
      });
      this.tekton = new TektonRunner({
        observe: (run) => tektonRuns.observe(run),
        gateway,
        metrics,
        check,
        workspace,
        serviceAccountName,
        random,
        now,
      });
    };
    const runReconciler = new RunReconciler({
      route: (run) => decideBackend(run, routing.flags(), this.tekton !== undefined),
      tekton: () => this.tekton,
      getRun: (namespace, name) => runs.cache.get(name, namespace),
      attemptsOf: (uid) => actionsByRun.get(uid),
      claimExists: (namespace, name) => claims.cache.get(name, namespace) !== undefined,
      gateway,
      events,
      metrics,
      workspace,
      random,
      now,
    });
    const actionReconciler = new ActionReconciler({
      getAction: (namespace, name) => actions.cache.get(name, namespace),
      getJob: (namespace, name) => jobs.cache.get(name, namespace),
      podsOf: (name, namespace) =>
        podsByAction.get(name).filter((pod) => pod.metadata?.namespace === namespace),
      gateway,
      events,
      metrics,
      check,
      jobTtlSeconds: options.jobTtlSeconds ?? 3600,
      serviceAccountName,
      now,
    });
    const concurrency = options.concurrency ?? 32;
    const assignment = options.assignment ?? ownEverything;
    // A key whose object is not cached (deleted) is still reconciled: that is a no-op.
    const ownsRun = (item: string): boolean => {
      const uid = objectAt(runs.cache, item)?.metadata?.uid;
      return uid === undefined || assignment.owns(uid);
    };
    const ownsAction = (item: string): boolean => {
      const uid = objectAt(actions.cache, item)?.metadata?.labels?.[RUN_UID_LABEL];
      return uid === undefined || assignment.owns(uid);
    };
    this.runQueue = this.queue(
      'runs',
      concurrency,
      (item) => (ownsRun(item) ? runReconciler.reconcile(item) : Promise.resolve(undefined)),
      options,
    );
    this.actionQueue = this.queue(
      'actions',
      concurrency,
      (item) => (ownsAction(item) ? actionReconciler.reconcile(item) : Promise.resolve(undefined)),
      options,
    );
    // Members came or went: runs moved. Offer every cached run and step to the queues; each
    // replica keeps what it now owns.
    assignment.onChange(() => {
      for (const run of runs.cache.list()) this.runQueue.add(key(run));
      for (const action of actions.cache.list()) this.actionQueue.add(key(action));
    });

    runs.subscribe((_event, run) => {
      this.runQueue.add(key(run));
    });
    actions.subscribe((event, action) => {
      actionsByRun.update(event, action);
      this.actionQueue.add(key(action));
      const runName = action.metadata?.annotations?.[RUN_NAME_ANNOTATION];
      if (runName) this.runQueue.add(`${action.metadata?.namespace ?? ''}/${runName}`);
    });
    jobs.subscribe((_event, job) => {
      this.actionQueue.add(key(job));
    });
    pods.subscribe((event, pod) => {
      podsByAction.update(event, pod);
      const action = pod.metadata?.labels?.[ACTION_EXECUTION_LABEL];
      if (action) this.actionQueue.add(`${pod.metadata?.namespace ?? ''}/${action}`);
    });
    claims.subscribe((_event, claim) => {
      const runName = claim.metadata?.annotations?.[RUN_NAME_ANNOTATION];
      if (runName) this.runQueue.add(`${claim.metadata?.namespace ?? ''}/${runName}`);
    });
    metrics.registerQueueDepth('runs', () => this.runQueue.depth);
    metrics.registerQueueDepth('actions', () => this.actionQueue.depth);
  }

  async start(): Promise<void> {
    await this.startTekton();
    await this.informers.synced();
    this.synced = true;
    this.runQueue.start();
    this.actionQueue.start();
  }

  /** For /readyz: the caches have their first full list. */
  isReady(): boolean {
    return this.synced;
  }

  /** Resolves when both queues are idle (tests and graceful shutdown). */
  async idle(): Promise<void> {
    await Promise.all([this.runQueue.onIdle(), this.actionQueue.onIdle()]);
    await this.events.flush();
  }

  async stop(): Promise<void> {
    if (this.ownsInformers) await this.informers.stop();
    await Promise.all([this.runQueue.close(), this.actionQueue.close()]);
  }

  private queue(
    name: string,
    concurrency: number,
    process: (key: string) => Promise<{ requeueAtMs?: number } | undefined>,
    options: EngineOptions,
  ): WorkQueue {
    const { metrics, logger } = options;
    return new WorkQueue({
      concurrency,
      paused: true,
      process: async (item) => {
        const end = metrics.reconcileDuration.startTimer({ controller: name });
        try {
          return await process(item);
        } finally {
          end();
        }
      },
      onError: (item, error, retryInMs) => {
        metrics.reconcileErrors.inc({ controller: name });
        logger.warn({ err: error, key: item, retryInMs }, `${name} reconcile failed; retrying`);
      },
    });
  }
}
