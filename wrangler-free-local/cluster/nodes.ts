/** The simulated nodes: Ready, with capacity, so schedulers and `kubectl get nodes` look real. */
import type { CoreV1Api } from '@kubernetes/client-node';
import { isAlreadyExistsOrConflict } from '../../src/kube/errors.ts';

export async function registerNodes(core: CoreV1Api, names: readonly string[]): Promise<void> {
  for (const [index, name] of names.entries()) {
    const now = new Date();
    try {
      await core.createNode({
        body: {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: {
            name,
            labels: {
              'kubernetes.io/hostname': name,
              'kubernetes.io/os': 'linux',
              'kubernetes.io/arch': 'amd64',
            },
          },
          spec: { podCIDR: `10.244.${String(index)}.0/24` },
        },
      });
    } catch (error) {
      if (!isAlreadyExistsOrConflict(error)) throw error;
    }
    await core.replaceNodeStatus({
      name,
      body: {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name },
        status: {
          capacity: { cpu: '2', memory: '8Gi', pods: '110' },
          allocatable: { cpu: '2', memory: '8Gi', pods: '110' },
          addresses: [
            { type: 'InternalIP', address: '127.0.0.1' },
            { type: 'Hostname', address: name },
          ],
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'KubeletReady',
              message: 'kubelet is posting ready status',
              lastHeartbeatTime: now,
              lastTransitionTime: now,
            },
          ],
          nodeInfo: {
            architecture: 'amd64',
            bootID: '',
            containerRuntimeVersion: 'local://1',
            kernelVersion: '',
            kubeProxyVersion: '',
            kubeletVersion: 'v1.32.0-wrangler-free-local',
            machineID: '',
            operatingSystem: 'linux',
            osImage: 'wrangler-free-local',
            systemUUID: '',
          },
        },
      },
    });
  }
}
