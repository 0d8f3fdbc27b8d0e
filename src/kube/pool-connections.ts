/**
 * Keep-alive connections for @kubernetes/client-node 2.x. Its KubeConfig builds a new undici
 * Agent for every request whenever the cluster has TLS options (a CA: every real cluster),
 * so each API call opens a new TLS connection: about 3 ms and a handshake's CPU per call,
 * measured against the embedded API server. This memoizes the dispatcher per cluster and
 * TLS material, which is what client-go's transport cache does, and builds its TLS context
 * once: Node otherwise parses the CA and the client certificate again for every connection
 * the pool opens. The API clients it makes send through `UndiciRequestTransport` rather
 * than fetch (see there why).
 */
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import {
  createConfiguration,
  ServerConfiguration,
  type Cluster,
  type KubeConfig,
} from '@kubernetes/client-node';
import { Agent, type Dispatcher } from 'undici';
import { UndiciRequestTransport } from './request-transport.ts';

type AgentOptions = Record<string, unknown>;
type CreateDispatcher = (cluster: Cluster | null, agentOptions: AgentOptions) => unknown;

/** What decides a connection's identity; compared by value (client-node decodes it anew per call). */
const TLS_FIELDS = [
  'ca',
  'cert',
  'key',
  'pfx',
  'passphrase',
  'rejectUnauthorized',
  'servername',
] as const;

interface PooledDispatcher {
  server: string;
  options: AgentOptions;
  dispatcher: unknown;
}

const POOLED = Symbol('kubernaut.pooled');

/** Idempotent: pooling a KubeConfig twice changes nothing. */
export function poolConnections(kc: KubeConfig): KubeConfig {
  const target = kc as unknown as { createDispatcher?: CreateDispatcher; [POOLED]?: true };
  const original = target.createDispatcher?.bind(kc);
  if (!original || target[POOLED]) return kc; // already pooled, or nothing to pool
  target[POOLED] = true;
  // One entry per cluster and credential in use: a list compared by value stays short, and
  // comparing buffers costs far less than hashing them on every API call.
  const pool: PooledDispatcher[] = [];
  target.createDispatcher = (cluster, agentOptions) => {
    const server = cluster?.server ?? '';
    const known = pool.find(
      (entry) => entry.server === server && sameTlsOptions(entry.options, agentOptions),
    );
    if (known) return known.dispatcher;
    const dispatcher =
      reusingTlsContext(kc, cluster, agentOptions) ?? original(cluster, agentOptions);
    pool.push({ server, options: agentOptions, dispatcher });
    return dispatcher;
  };
  const httpApi = new UndiciRequestTransport();
  // client-node's own makeApiClient, with the transport swapped.
  kc.makeApiClient = <T>(
    apiClientType: new (config: ReturnType<typeof createConfiguration>) => T,
  ): T => {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('No active cluster!');
    return new apiClientType(
      createConfiguration({
        baseServer: new ServerConfiguration(cluster.server, {}),
        authMethods: { default: kc },
        httpApi,
      }),
    );
  };
  return kc;
}

/**
 * client-node's own direct-connection Agent, with a TLS context built once for all of its
 * connections; undefined for proxies and plain HTTP, which keep client-node's dispatcher.
 */
function reusingTlsContext(
  kc: KubeConfig,
  cluster: Cluster | null,
  agentOptions: AgentOptions,
): Dispatcher | undefined {
  const options = kc.createDispatcherOptions(cluster, agentOptions);
  if (options.type !== 'agent') return undefined;
  const { ca, cert, key, pfx, passphrase } = options.connect as SecureContextOptions;
  const secureContext = createSecureContext({ ca, cert, key, pfx, passphrase });
  return new Agent({ connect: { ...options.connect, secureContext } });
}

export function sameTlsOptions(a: AgentOptions, b: AgentOptions): boolean {
  return TLS_FIELDS.every((field) => sameValue(a[field], b[field]));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  if (a === b) return true;
  // A PEM given as a string, or a list of them: rare, so JSON is good enough.
  return typeof a === 'object' && JSON.stringify(a) === JSON.stringify(b);
}
