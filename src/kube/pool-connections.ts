/**
 * Keep-alive connections for @kubernetes/client-node 2.x. Its KubeConfig builds a new undici
 * Agent for every request whenever the cluster has TLS options (a CA: every real cluster),
 * so each API call opens a new TLS connection: about 3 ms and a handshake's CPU per call,
 * measured against the embedded API server. This memoizes the dispatcher per cluster and
 * user, which is what client-go's transport cache does. The API clients it makes send
 * through `UndiciRequestTransport` rather than fetch (see there why).
 */
import { createHash } from 'node:crypto';
import { createConfiguration, ServerConfiguration, type KubeConfig } from '@kubernetes/client-node';
import { UndiciRequestTransport } from './request-transport.ts';

type CreateDispatcher = (cluster: unknown, agentOptions: Record<string, unknown>) => unknown;

const POOLED = Symbol('kubernaut.pooled');

/** Idempotent: pooling a KubeConfig twice changes nothing. */
export function poolConnections(kc: KubeConfig): KubeConfig {
  const target = kc as unknown as { createDispatcher?: CreateDispatcher; [POOLED]?: true };
  const original = target.createDispatcher?.bind(kc);
  if (!original || target[POOLED]) return kc; // already pooled, or nothing to pool
  target[POOLED] = true;
  const cache = new Map<string, unknown>();
  target.createDispatcher = (cluster, agentOptions) => {
    const key = dispatcherKey(cluster, agentOptions);
    if (!cache.has(key)) cache.set(key, original(cluster, agentOptions));
    return cache.get(key);
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

function dispatcherKey(cluster: unknown, agentOptions: Record<string, unknown>): string {
  const hash = createHash('sha256');
  const server = (cluster as { server?: string; name?: string } | null)?.server ?? '';
  hash.update(server);
  for (const field of [
    'ca',
    'cert',
    'key',
    'pfx',
    'passphrase',
    'rejectUnauthorized',
    'servername',
  ]) {
    const value = agentOptions[field];
    hash.update(`\u0000${field}=`);
    if (value !== undefined) hash.update(Buffer.isBuffer(value) ? value : JSON.stringify(value));
  }
  return hash.digest('hex');
}
