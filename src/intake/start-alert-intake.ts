/**
 * Wires the alert intake to a cluster: informers on RemediationTemplates and on the runs
 * alerts started (selected by their template label), the owner-chain resolver, the
 * occurrence writer and the suppression Events. Its own watches, apart from the engine's:
 * intake and execution scale and fail separately, and a replica can serve webhooks before
 * (or without) running workflows.
 */
import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { GROUP, VERSION } from '../api/group.ts';
import { createEventRecorder, coreEventSink } from '../kube/event-recorder.ts';
import { poolConnections } from '../kube/pool-connections.ts';
import { SharedInformers } from '../kube/shared-informers.ts';
import type { Logger } from '../observability/logger.ts';
import { AlertIntake, type IntakeMetrics } from './alert-intake.ts';
import { createIntakeApi, type IntakeApi } from './intake-api.ts';
import { OccurrenceRecorder } from './occurrence-recorder.ts';
import { OwnerChain } from './owner-chain.ts';
import { RunIndex } from './run-index.ts';
import { createSuppressionReporter } from './suppression-reporter.ts';
import { TemplateCatalog } from './template-catalog.ts';

export interface StartAlertIntakeOptions {
  kc: KubeConfig;
  logger: Logger;
  metrics?: IntakeMetrics;
  paused: () => boolean;
  now?: () => Date;
  /** The least time between two occurrence-count writes to one run (default 1 s). */
  occurrenceWriteIntervalMs?: number;
  /** Replaces the client-node calls (tests). */
  api?: IntakeApi;
  /** The replica's informers, shared with the engine and the UI (main.ts stops them). */
  informers?: SharedInformers;
}

export interface RunningAlertIntake {
  intake: AlertIntake;
  isReady(): boolean;
  /** Resolves once the caches hold their first list. */
  synced: Promise<void>;
  /** Resolves when the occurrence writes and Events recorded so far are done. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export function startAlertIntake(options: StartAlertIntakeOptions): RunningAlertIntake {
  const { logger } = options;
  const kc = poolConnections(options.kc);
  const now = options.now ?? (() => new Date());
  const api = options.api ?? createIntakeApi(kc);
  const informers =
    options.informers ??
    new SharedInformers(kc, (error) => {
      logger.warn({ err: error }, 'intake informer error; restarting it');
    });
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const events = createEventRecorder(coreEventSink(core), 'kubernaut-dispatcher', (error) => {
    logger.debug({ err: error }, 'event not recorded');
  });
  const list = (plural: string) => () =>
    custom.listClusterCustomObject({
      group: GROUP,
      version: VERSION,
      plural,
    }) as Promise<KubernetesListObject<KubernetesObject>>;
  const templates = new TemplateCatalog((object, message) => {
    logger.warn({ template: object.metadata?.name, problem: message }, 'template ignored');
    events.record(
      { ...object, kind: 'RemediationTemplate' },
      'Warning',
      'InvalidTemplate',
      `ignored until fixed: ${message}`,
    );
  });
  const runs = new RunIndex(() => now().getTime());
  informers
    .informer(`/apis/${GROUP}/${VERSION}/remediationtemplates`, list('remediationtemplates'))
    .subscribe(templates.update);
  const occurrences = new OccurrenceRecorder(
    api,
    (error, run) => {
      logger.warn({ err: error, run }, 'occurrence count not written');
    },
    {
      minIntervalMs: options.occurrenceWriteIntervalMs ?? 1_000,
      cachedRun: (namespace, name) => runs.get(namespace, name),
    },
  );
  const intake = new AlertIntake({
    templates,
    runs,
    owners: new OwnerChain({ readOwners: (kind, ns, name) => api.readOwners(kind, ns, name) }),
    api,
    occurrences,
    suppressions: createSuppressionReporter(events),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    paused: options.paused,
    now,
    onError: (error, outcome) => {
      logger.warn({ err: error, alert: outcome }, 'alert not recorded; Alertmanager will retry');
    },
    onCreated: (outcome) => {
      logger.info({ alert: outcome }, 'run created for an alert');
    },
  });
  // Every run, not only the intake's (no label selector): the engine and the UI read the same
  // informer, so the API server sends each change once and it is decoded once. Runs without
  // the template label are simply in no index.
  informers
    .informer(`/apis/${GROUP}/${VERSION}/workflowexecutions`, list('workflowexecutions'))
    .subscribe((event, object) => {
      runs.update(event, object);
      if (event === 'delete') {
        intake.forget(object.metadata?.namespace ?? '', object.metadata?.name ?? '');
      }
    });
  let ready = false;
  const synced = informers.synced().then(() => {
    ready = true;
  });
  return {
    intake,
    isReady: () => ready,
    synced,
    async idle() {
      await occurrences.idle();
      await events.flush();
    },
    async stop() {
      await occurrences.drain();
      if (!options.informers) await informers.stop();
    },
  };
}
