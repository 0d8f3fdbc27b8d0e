/**
 * The file system a simulated container sees: a directory standing in for its root (passed
 * as KUBERNAUT_ROOT), with each volume mounted as a link to a directory that lives as long as
 * the volume (a PVC's directory is shared by every pod that mounts the claim), a termination
 * log, and the service account token and a kubeconfig for the API server.
 */
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { V1Container, V1Pod } from '@kubernetes/client-node';

export interface SandboxOptions {
  stateDir: string;
  apiUrl: string;
  token: string;
  caData?: string | undefined;
}

export interface Sandbox {
  root: string;
  /** Host path of a path inside the container, e.g. /dev/termination-log. */
  hostPath(containerPath: string): string;
  env: Record<string, string>;
}

export function claimDirectory(stateDir: string, namespace: string, claim: string): string {
  return join(stateDir, 'volumes', namespace, claim);
}

export async function prepareSandbox(
  pod: V1Pod,
  container: V1Container,
  options: SandboxOptions,
): Promise<Sandbox> {
  const namespace = pod.metadata?.namespace ?? 'default';
  const podName = pod.metadata?.name ?? 'pod';
  const podDir = join(options.stateDir, 'pods', namespace, podName);
  const root = join(podDir, 'containers', container.name);
  const hostPath = (containerPath: string): string => join(root, containerPath);
  await mkdir(join(root, 'dev'), { recursive: true });
  await writeFile(hostPath(container.terminationMessagePath ?? '/dev/termination-log'), '');

  for (const mount of container.volumeMounts ?? []) {
    const volume = pod.spec?.volumes?.find((candidate) => candidate.name === mount.name);
    let source: string | undefined;
    if (volume?.persistentVolumeClaim) {
      source = claimDirectory(options.stateDir, namespace, volume.persistentVolumeClaim.claimName);
    } else if (volume?.emptyDir) {
      source = join(podDir, 'volumes', volume.name);
    }
    if (!source) continue;
    await mkdir(source, { recursive: true });
    const target = hostPath(mount.mountPath);
    await mkdir(dirname(target), { recursive: true });
    await rm(target, { recursive: true, force: true });
    await symlink(source, target, 'dir');
  }

  const serviceAccountDir = hostPath('/var/run/secrets/kubernetes.io/serviceaccount');
  await mkdir(serviceAccountDir, { recursive: true });
  const kubeconfigPath = join(serviceAccountDir, 'kubeconfig');
  const automount = pod.spec?.automountServiceAccountToken !== false;
  if (automount) {
    await writeFile(join(serviceAccountDir, 'token'), options.token, { mode: 0o600 });
    await writeFile(join(serviceAccountDir, 'namespace'), namespace);
    if (options.caData) await writeFile(join(serviceAccountDir, 'ca.crt'), options.caData);
    await writeFile(kubeconfigPath, renderKubeconfig(options, namespace), { mode: 0o600 });
  }
  const url = new URL(options.apiUrl);
  return {
    root,
    hostPath,
    env: {
      KUBERNAUT_ROOT: root,
      HOSTNAME: podName,
      KUBERNETES_SERVICE_HOST: url.hostname,
      KUBERNETES_SERVICE_PORT: url.port,
      // client-node and client-go read KUBECONFIG before the in-cluster files, whose paths
      // are fixed under / and cannot be faked for a process on the host.
      ...(automount ? { KUBECONFIG: kubeconfigPath } : {}),
    },
  };
}

function renderKubeconfig(options: SandboxOptions, namespace: string): string {
  const cluster = options.caData
    ? {
        server: options.apiUrl,
        'certificate-authority-data': Buffer.from(options.caData).toString('base64'),
      }
    : { server: options.apiUrl };
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'in-cluster', cluster }],
    users: [{ name: 'service-account', user: { token: options.token } }],
    contexts: [
      {
        name: 'in-cluster',
        context: { cluster: 'in-cluster', user: 'service-account', namespace },
      },
    ],
    'current-context': 'in-cluster',
  });
}

export async function removePodSandbox(
  stateDir: string,
  namespace: string,
  pod: string,
): Promise<void> {
  await rm(join(stateDir, 'pods', namespace, pod), { recursive: true, force: true });
}
