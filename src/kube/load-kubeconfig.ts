/** The KubeConfig of a real cluster: KUBECONFIG when set, else the in-cluster service account. */
import { KubeConfig } from '@kubernetes/client-node';
import { poolConnections } from './pool-connections.ts';

export function loadClusterKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  // loadFromDefault reads KUBECONFIG, then ~/.kube/config, then the in-cluster environment.
  kc.loadFromDefault();
  if (!kc.getCurrentCluster()) {
    throw new Error('no Kubernetes cluster configured: set KUBECONFIG or run inside a pod');
  }
  return poolConnections(kc);
}
