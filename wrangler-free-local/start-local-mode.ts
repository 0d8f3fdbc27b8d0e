/**
 * `npm start` with no cluster configured: the embedded API server and simulated cluster on
 * 127.0.0.1, a kubeconfig for kubectl in `.local/kubeconfig`, and the dispatcher's local
 * all-scopes token in `.local/token`; a local OCI registry serving the action catalog's images
 * (listed in `.local/action-images.json`), which the simulated kubelet can run.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { writeKubeconfig } from './apiserver/index.ts';
import { startLocalCluster } from './local-cluster.ts';
import { startLocalRegistry, type LocalRegistry } from './registry/local-registry.ts';
import { publishActionImages, type LocalActionImage } from './action-images.ts';

export interface LocalModeOptions {
  /** Directory for the kubeconfig, the token and the cluster's state (default `.local`). */
  dir: string;
  apiPort: number;
  /** The dispatcher's local token; generated when not given. */
  token?: string;
  /** Port of the local OCI registry (0: any free port). */
  registryPort?: number;
  onError?: (error: unknown) => void;
}

export interface LocalMode {
  kc: KubeConfig;
  apiUrl: string;
  kubeconfigPath: string;
  tokenPath: string;
  token: string;
  /** The local OCI registry (plain HTTP on 127.0.0.1) and its content store. */
  registry: LocalRegistry;
  /** The catalog's action images in that registry, by action type (for signing and templates). */
  actionImages: LocalActionImage[];
  close(): Promise<void>;
}

export async function startLocalMode(options: LocalModeOptions): Promise<LocalMode> {
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  const token = options.token ?? randomBytes(24).toString('base64url');
  const cluster = await startLocalCluster({
    stateDir: join(options.dir, 'state'),
    // The API server's own token is separate from the dispatcher's: each grants one thing.
    token: randomBytes(24).toString('base64url'),
    port: options.apiPort,
    ...(options.onError ? { onError: options.onError } : {}),
  });
  const registry = await startLocalRegistry({ port: options.registryPort ?? 0 }).catch(
    async (error: unknown) => {
      await cluster.close();
      throw error;
    },
  );
  const actionImages = await publishActionImages({
    registryHost: registry.host,
    store: registry.store,
    catalog: cluster.catalog,
  });
  const kubeconfigPath = join(options.dir, 'kubeconfig');
  const tokenPath = join(options.dir, 'token');
  await writeKubeconfig(kubeconfigPath, cluster.server);
  await writeFile(tokenPath, `${token}\n`, { mode: 0o600 });
  await writeFile(
    join(options.dir, 'action-images.json'),
    `${JSON.stringify(actionImages, null, 2)}\n`,
  );
  return {
    kc: cluster.kc,
    apiUrl: cluster.server.url,
    kubeconfigPath,
    tokenPath,
    token,
    registry,
    actionImages,
    async close() {
      await Promise.all([cluster.close(), registry.close()]);
    },
  };
}
