/**
 * The routing flags, live: the ConfigMap `kubernaut-routing` in the dispatcher's namespace,
 * through a watch, so a change applies to the next run decided (within a second; the seed's
 * rollback promise is 30 s). An invalid version keeps the last good flags and says which
 * field is wrong (log, Warning Event on the ConfigMap, metric): routing is never stuck.
 * A deleted ConfigMap means the defaults: every run on Jobs.
 */
import type { CoreV1Api, V1ConfigMap } from '@kubernetes/client-node';
import type { EventRecorder } from '../kube/event-recorder.ts';
import type { SharedInformers } from '../kube/shared-informers.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import {
  DEFAULT_FLAGS,
  parseRoutingFlags,
  ROUTING_CONFIGMAP,
  type RoutingFlags,
} from './routing-flags.ts';

export interface RoutingFlagsSource {
  flags(): RoutingFlags;
  /** Called after each change of the flags (tests await it; nothing polls). */
  onChange(listener: (flags: RoutingFlags) => void): void;
}

export interface WatchRoutingFlagsOptions {
  informers: SharedInformers;
  core: CoreV1Api;
  namespace: string;
  logger: Logger;
  metrics: Metrics;
  events: EventRecorder;
}

export function watchRoutingFlags(options: WatchRoutingFlagsOptions): RoutingFlagsSource {
  const { namespace, logger, metrics, events } = options;
  let current = DEFAULT_FLAGS;
  let rejectedVersion: string | undefined;
  const listeners: ((flags: RoutingFlags) => void)[] = [];
  const apply = (flags: RoutingFlags): void => {
    current = flags;
    for (const listener of listeners) listener(flags);
  };
  const configMaps = options.informers.informer<V1ConfigMap>(
    `/api/v1/namespaces/${namespace}/configmaps`,
    () => options.core.listNamespacedConfigMap({ namespace }),
  );
  configMaps.subscribe((event, configMap) => {
    if (configMap.metadata?.name !== ROUTING_CONFIGMAP) return;
    if (event === 'delete') {
      apply(DEFAULT_FLAGS);
      logger.info('routing ConfigMap deleted: every new run goes to the Jobs backend');
      return;
    }
    const parsed = parseRoutingFlags(configMap.data);
    if (parsed.ok) {
      apply(parsed.flags);
      logger.info({ mode: current.mode, rules: current.rules.length }, 'routing flags applied');
      return;
    }
    // A relist re-delivers the same version: report each bad version once.
    const version = configMap.metadata.resourceVersion;
    if (version !== undefined && version === rejectedVersion) return;
    rejectedVersion = version;
    const message = `invalid routing flags, keeping the last good ones: ${parsed.problems.join('; ')}`;
    metrics.routingFlagErrors.inc();
    logger.warn({ problems: parsed.problems }, message);
    events.record(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: configMap.metadata },
      'Warning',
      'InvalidRoutingFlags',
      message,
    );
  });
  return {
    flags: () => current,
    onChange: (listener) => {
      listeners.push(listener);
    },
  };
}
