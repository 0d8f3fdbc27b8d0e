/**
 * The action's Kubernetes client configuration: the pod's service account when it has one
 * (KUBERNETES_SERVICE_HOST/PORT and the token under /var/run/secrets/kubernetes.io/
 * serviceaccount), else KUBECONFIG. Container paths are read under the container root
 * (KUBERNAUT_ROOT, set by the simulated kubelet; empty in a real container), so the same
 * code runs in a real pod and as a local process.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ActionError } from './action-error.ts';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export function loadActionKubeConfig(
  env: Record<string, string | undefined>,
  root: string,
): KubeConfig {
  const kc = new KubeConfig();
  const tokenFile = join(root, SERVICE_ACCOUNT_DIR, 'token');
  if (env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT && existsSync(tokenFile)) {
    // client-node reads the same two variables; the prefix points it at the container root.
    kc.loadFromCluster(root);
    return kc;
  }
  if (env.KUBECONFIG) {
    kc.loadFromFile(env.KUBECONFIG);
    return kc;
  }
  throw new ActionError(
    'Failed',
    `no Kubernetes credentials: no service account token at ${SERVICE_ACCOUNT_DIR}/token ` +
      '(does the contract declare permissions, so that the token is mounted?) and no KUBECONFIG',
  );
}
