/** A local cluster in a temporary directory, with images that run small inline scripts. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchV1Api, CoreV1Api, type V1Job } from '@kubernetes/client-node';
import { writeKubeconfig } from '../../../wrangler-free-local/apiserver/index.ts';
import { ImageCatalog } from '../../../wrangler-free-local/cluster/image-catalog.ts';
import {
  startLocalCluster,
  type LocalCluster,
  type LocalClusterOptions,
} from '../../../wrangler-free-local/local-cluster.ts';
import { waitForObject } from '../../fixtures/wait-for-object.ts';

export const digestOf = (name: string): string =>
  `sha256:${Buffer.from(name).toString('hex').padEnd(64, '0').slice(0, 64)}`;
export const imageOf = (name: string): string => `registry.local/test/${name}@${digestOf(name)}`;

/** An image whose entrypoint is a Node.js script, run on the host with the test's Node. */
export function scriptImage(catalog: ImageCatalog, name: string, script: string): string {
  catalog.add(digestOf(name), { entrypoint: [process.execPath, '-e', script] });
  return imageOf(name);
}

export interface TestLocalCluster extends LocalCluster {
  /** A kubeconfig file for the real kubectl. */
  kubeconfig: string;
  core: CoreV1Api;
  batch: BatchV1Api;
  stateDir: string;
}

export async function startTestLocalCluster(
  options: Partial<LocalClusterOptions> = {},
): Promise<TestLocalCluster> {
  const stateDir = await mkdtemp(join(tmpdir(), 'wrangler-free-local-'));
  const cluster = await startLocalCluster({
    stateDir,
    token: 'test-token',
    catalog: new ImageCatalog(),
    ...options,
  });
  const kubeconfig = join(stateDir, 'kubeconfig');
  await writeKubeconfig(kubeconfig, cluster.server);
  return {
    ...cluster,
    stateDir,
    kubeconfig,
    core: cluster.kc.makeApiClient(CoreV1Api),
    batch: cluster.kc.makeApiClient(BatchV1Api),
    async close() {
      await cluster.close();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

export function jobOf(
  name: string,
  image: string,
  extra: {
    env?: { name: string; value: string }[];
    backoffLimit?: number;
    activeDeadlineSeconds?: number;
    ttlSecondsAfterFinished?: number;
    claim?: string;
  } = {},
): V1Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default' },
    spec: {
      backoffLimit: extra.backoffLimit ?? 0,
      ...(extra.activeDeadlineSeconds === undefined
        ? {}
        : { activeDeadlineSeconds: extra.activeDeadlineSeconds }),
      ...(extra.ttlSecondsAfterFinished === undefined
        ? {}
        : { ttlSecondsAfterFinished: extra.ttlSecondsAfterFinished }),
      template: {
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'action',
              image,
              env: extra.env ?? [],
              terminationMessagePolicy: 'FallbackToLogsOnError',
              ...(extra.claim
                ? { volumeMounts: [{ name: 'workspace', mountPath: '/workspace' }] }
                : {}),
            },
          ],
          ...(extra.claim
            ? {
                volumes: [{ name: 'workspace', persistentVolumeClaim: { claimName: extra.claim } }],
              }
            : {}),
        },
      },
    },
  };
}

/** Waits for a Job condition, driven by a watch. */
export async function waitForJob(
  cluster: LocalCluster,
  name: string,
  type: 'Complete' | 'Failed',
): Promise<V1Job> {
  return waitForObject<V1Job>(
    cluster.kc,
    '/apis/batch/v1/namespaces/default/jobs',
    name,
    (job) =>
      job.status?.conditions?.some(
        (condition) => condition.type === type && condition.status === 'True',
      ) ?? false,
  );
}
