// Client configuration for an embedded server: a kubeconfig file for kubectl and a
// KubeConfig object for @kubernetes/client-node.

import { writeFile } from 'node:fs/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';

export interface ClusterAccess {
  url: string;
  token: string;
  /** PEM of the server certificate to trust (HTTPS servers). */
  caData?: string | undefined;
  namespace?: string;
}

const NAME = 'wrangler-free-local';

function renderKubeconfig(access: ClusterAccess): Record<string, unknown> {
  const cluster: Record<string, unknown> = { server: access.url };
  if (access.caData !== undefined)
    cluster['certificate-authority-data'] = Buffer.from(access.caData).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: NAME, cluster }],
    users: [{ name: NAME, user: { token: access.token } }],
    contexts: [
      {
        name: NAME,
        context: { cluster: NAME, user: NAME, namespace: access.namespace ?? 'default' },
      },
    ],
    'current-context': NAME,
    preferences: {},
  };
}

/** Writes a kubeconfig (mode 0600) that points kubectl at the server. */
export async function writeKubeconfig(path: string, access: ClusterAccess): Promise<void> {
  await writeFile(path, stringify(renderKubeconfig(access)), { mode: 0o600 });
}

/** A client-node KubeConfig for the server, without touching the file system. */
export function buildKubeConfig(access: ClusterAccess): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(JSON.stringify(renderKubeconfig(access)));
  return kc;
}
