/**
 * What the web UI needs from the process, wired once in main.ts: the run feed (its own
 * informer on WorkflowExecutions, like the alert intake's, so serving pages does not depend
 * on this replica executing runs), the run page's artifact reader, the session sealer from
 * the configured secret (or a random one: sessions then end with the process and do not
 * cross replicas), and the overview's alert counters from the metrics registry.
 */
import { readFile } from 'node:fs/promises';
import type { KubeConfig } from '@kubernetes/client-node';
import { SessionSealer } from '../auth/session-seal.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { RunArtifactsReader } from './read-run-artifacts.ts';
import type { SharedInformers } from '../kube/shared-informers.ts';
import { startRunFeed, type RunFeed } from './run-feed.ts';
import { countsByLabel, type CountByLabel } from './summarize-overview.ts';

export interface StartUiOptions {
  kc: KubeConfig;
  logger: Logger;
  metrics: Pick<Metrics, 'alertSuppressions' | 'alertDuplicates'>;
  sessionSecretFile?: string | undefined;
  maxStreams: number;
  /** The replica's informers, shared with the engine and the intake (main.ts stops them). */
  informers?: SharedInformers;
}

export interface RunningUi {
  feed: RunFeed;
  sealer: SessionSealer;
  artifacts: RunArtifactsReader;
  alertCounters: () => Promise<{ suppressed: CountByLabel[]; duplicates: CountByLabel[] }>;
  /** Ends every live stream (first on shutdown: open streams keep the server from closing). */
  endStreams(): void;
  stop(): Promise<void>;
}

export async function loadSessionSealer(file: string | undefined): Promise<SessionSealer> {
  if (file === undefined) return SessionSealer.random();
  const secret = (await readFile(file)).toString('utf8').trim();
  if (Buffer.byteLength(secret) < 32) {
    throw new Error(
      `KUBERNAUT_UI_SESSION_SECRET_FILE: ${file} holds ${String(Buffer.byteLength(secret))} bytes; a session key needs at least 32`,
    );
  }
  return new SessionSealer(Buffer.from(secret, 'utf8'));
}

export async function startUi(options: StartUiOptions): Promise<RunningUi> {
  const { logger, metrics } = options;
  const sealer = await loadSessionSealer(options.sessionSecretFile);
  if (options.sessionSecretFile === undefined) {
    logger.info(
      'web UI sessions use a random key: they end on restart and do not cross replicas (set KUBERNAUT_UI_SESSION_SECRET_FILE)',
    );
  }
  const started = startRunFeed(options.kc, {
    maxListeners: options.maxStreams,
    ...(options.informers ? { informers: options.informers } : {}),
    onError: (error) => {
      logger.warn({ err: error }, 'web UI run feed error; retrying');
    },
  });
  return {
    feed: started.feed,
    sealer,
    artifacts: new RunArtifactsReader(options.kc),
    alertCounters: async () => ({
      suppressed: countsByLabel((await metrics.alertSuppressions.get()).values, 'reason'),
      duplicates: countsByLabel((await metrics.alertDuplicates.get()).values, 'via'),
    }),
    endStreams: () => {
      started.feed.endStreams();
    },
    stop: () => started.stop(),
  };
}
