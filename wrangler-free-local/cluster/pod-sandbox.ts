/**
 * The file system a simulated container sees: a directory standing in for its root (passed
 * as KUBERNAUT_ROOT), with each volume mounted as a link to a directory that lives as long as
 * the volume (a PVC's directory is shared by every pod that mounts the claim), a termination
 * log, and the service account token and a kubeconfig for the API server.
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { V1Container, V1Pod } from '@kubernetes/client-node';

export interface SandboxOptions {
  stateDir: string;
  apiUrl: string;
  token: string;
  caData?: string | undefined;
}

/** One file system change of a sandbox, applied in order (see writeSandbox). */
export type SandboxStep =
  | { op: 'mkdir'; path: string }
  | { op: 'write'; path: string; content: string; mode?: number }
  /** Replaces whatever is at `path` with a link to the directory `source`. */
  | { op: 'link'; path: string; source: string };

export interface Sandbox {
  root: string;
  /** Host path of a path inside the container, e.g. /dev/termination-log. */
  hostPath(containerPath: string): string;
  env: Record<string, string>;
  /** What to create before the container starts; the launcher does it, next to the fork. */
  steps: SandboxStep[];
}

export function claimDirectory(stateDir: string, namespace: string, claim: string): string {
  return join(stateDir, 'volumes', namespace, claim);
}

/** Plans a container's sandbox; nothing is touched until writeSandbox applies the steps. */
export function planSandbox(pod: V1Pod, container: V1Container, options: SandboxOptions): Sandbox {
  const namespace = pod.metadata?.namespace ?? 'default';
  const podName = pod.metadata?.name ?? 'pod';
  const podDir = join(options.stateDir, 'pods', namespace, podName);
  const root = join(podDir, 'containers', container.name);
  const hostPath = (containerPath: string): string => join(root, containerPath);
  const steps: SandboxStep[] = [
    { op: 'mkdir', path: join(root, 'dev') },
    {
      op: 'write',
      path: hostPath(container.terminationMessagePath ?? '/dev/termination-log'),
      content: '',
    },
  ];

  for (const mount of container.volumeMounts ?? []) {
    const volume = pod.spec?.volumes?.find((candidate) => candidate.name === mount.name);
    let source: string | undefined;
    if (volume?.persistentVolumeClaim) {
      source = claimDirectory(options.stateDir, namespace, volume.persistentVolumeClaim.claimName);
    } else if (volume?.emptyDir) {
      source = join(podDir, 'volumes', volume.name);
    }
    if (!source) continue;
    const target = hostPath(mount.mountPath);
    steps.push(
      { op: 'mkdir', path: source },
      { op: 'mkdir', path: dirname(target) },
      { op: 'link', path: target, source },
    );
  }

  const serviceAccountDir = hostPath('/var/run/secrets/kubernetes.io/serviceaccount');
  steps.push({ op: 'mkdir', path: serviceAccountDir });
  const kubeconfigPath = join(serviceAccountDir, 'kubeconfig');
  const automount = pod.spec?.automountServiceAccountToken !== false;
  if (automount) {
    const file = (name: string, content: string, mode?: number): SandboxStep => ({
      op: 'write',
      path: join(serviceAccountDir, name),
      content,
      ...(mode === undefined ? {} : { mode }),
    });
    steps.push(file('token', options.token, 0o600), file('namespace', namespace));
    if (options.caData) steps.push(file('ca.crt', options.caData));
    steps.push(file('kubeconfig', renderKubeconfig(options, namespace), 0o600));
  }
  const url = new URL(options.apiUrl);
  return {
    root,
    hostPath,
    steps,
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

/**
 * Applies a sandbox's steps, synchronously: it runs in the launcher process, where a few
 * small file operations in a row cost less than as many trips through an event loop.
 */
export function writeSandbox(steps: readonly SandboxStep[]): void {
  for (const step of steps) {
    if (step.op === 'mkdir') mkdirSync(step.path, { recursive: true });
    else if (step.op === 'write')
      writeFileSync(step.path, step.content, step.mode === undefined ? {} : { mode: step.mode });
    else {
      rmSync(step.path, { recursive: true, force: true });
      symlinkSync(step.source, step.path, 'dir');
    }
  }
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
