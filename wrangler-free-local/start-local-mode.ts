/**
 * `npm start` with no cluster configured: the embedded API server and simulated cluster on
 * 127.0.0.1, a kubeconfig for kubectl in `.local/kubeconfig`, and the dispatcher's local
 * all-scopes token in `.local/token`; a local OCI registry serving the action catalog's images
 * (listed in `.local/action-images.json`), which the simulated kubelet can run, each signed
 * with the local key (`.local/signing-key.pem`, made at the first start) that the local image
 * policy (`.local/image-policy.yaml`) enforces.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { writeKubeconfig } from './apiserver/index.ts';
import { startLocalCluster } from './local-cluster.ts';
import { startLocalRegistry, type LocalRegistry } from './registry/local-registry.ts';
import { publishActionImages, type LocalActionImage } from './action-images.ts';
import { installDefaultTemplates } from './install-default-templates.ts';
import { loadOrCreateSigningKey } from './signing/local-signing-key.ts';
import { writeLocalImagePolicy } from './signing/local-image-policy.ts';
import { signStoredImages } from './signing/sign-image.ts';

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
  /** The catalog's action images in that registry, by action type, each signed. */
  actionImages: LocalActionImage[];
  /** The image policy enforcing the local signing key on those images; fail closed otherwise. */
  imagePolicyPath: string;
  /** The public half of the local signing key (`kubernaut verify-image --key`). */
  publicKeyPath: string;
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
  const close = async (): Promise<void> => {
    await Promise.all([cluster.close(), registry.close()]);
  };
  let actionImages: LocalActionImage[];
  let imagePolicyPath: string;
  let publicKeyPath: string;
  try {
    actionImages = await publishActionImages({
      registryHost: registry.host,
      store: registry.store,
      catalog: cluster.catalog,
    });
    // Signed as cosign signs (a bundle referrer), so that the embedded default runs the same
    // resolve → verify → contract → inputs path as a cluster with a policy.
    const signingKey = await loadOrCreateSigningKey(options.dir);
    signStoredImages(registry.store, registry.host, actionImages, signingKey);
    publicKeyPath = signingKey.publicKeyPath;
    imagePolicyPath = await writeLocalImagePolicy(options.dir, registry.host, publicKeyPath);
    await installDefaultTemplates(cluster.kc, actionImages);
  } catch (error) {
    await close();
    throw error;
  }
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
    imagePolicyPath,
    publicKeyPath,
    close,
  };
}
