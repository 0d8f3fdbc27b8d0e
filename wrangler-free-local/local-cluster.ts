/**
 * The embedded default: the local API server plus the simulated cluster (nodes, scheduler,
 * kubelet, Job controller). Controllers are ordinary API clients over HTTP, exactly like the
 * real ones, so whatever the dispatcher sees here it would see in a cluster.
 */
import { readdir, readFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreV1Api, StorageV1Api, type KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import {
  buildKubeConfig,
  startApiServer,
  type ApiServer,
  type ApiServerOptions,
} from './apiserver/index.ts';
import { ImageCatalog } from './cluster/image-catalog.ts';
import { DeploymentController } from './cluster/deployment-controller.ts';
import { JobController } from './cluster/job-controller.ts';
import { ReplicaSetController } from './cluster/replicaset-controller.ts';
import { Kubelet } from './cluster/kubelet.ts';
import { registerNodes } from './cluster/nodes.ts';
import { registerStorageClass } from './cluster/storage-classes.ts';
import { VolumeController } from './cluster/volume-controller.ts';
import { TektonController } from './tekton/tekton-controller.ts';
import { poolConnections } from '../src/kube/pool-connections.ts';
import { SharedInformers } from '../src/kube/shared-informers.ts';

export const PROJECT_CRD_DIR = join(import.meta.dirname, '../manifests/crds');
/** Tekton Pipelines v1 CRDs, served so the simulated Tekton controller can run PipelineRuns. */
export const TEKTON_CRD_DIR = join(import.meta.dirname, 'tekton/crds');

export interface LocalClusterOptions {
  /** Where pods' file systems and volumes live; a temporary directory in tests. */
  stateDir: string;
  token: string;
  port?: number;
  catalog?: ImageCatalog;
  nodes?: string[];
  /** Directories of CRD YAML files to serve from the start. */
  crdDirs?: string[];
  faults?: ApiServerOptions['faults'];
  onError?: (error: unknown) => void;
}

export interface LocalCluster {
  server: ApiServer;
  kc: KubeConfig;
  catalog: ImageCatalog;
  close(): Promise<void>;
}

export async function startLocalCluster(options: LocalClusterOptions): Promise<LocalCluster> {
  await mkdir(options.stateDir, { recursive: true });
  const crds = (
    await Promise.all((options.crdDirs ?? [PROJECT_CRD_DIR, TEKTON_CRD_DIR]).map(readCrds))
  ).flat();
  const server = await startApiServer({
    tokens: [options.token],
    crds,
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.faults ? { faults: options.faults } : {}),
  });
  const kc = poolConnections(buildKubeConfig(server));
  const nodes = options.nodes ?? ['local-node-1', 'local-node-2'];
  const catalog = options.catalog ?? new ImageCatalog();
  await registerNodes(kc.makeApiClient(CoreV1Api), nodes);
  await registerStorageClass(kc.makeApiClient(StorageV1Api));
  const informers = new SharedInformers(kc, options.onError);
  const kubelet = new Kubelet({
    kc,
    informers,
    nodes,
    catalog,
    stateDir: options.stateDir,
    apiUrl: server.url,
    token: options.token,
    caData: server.caData,
    appendLog: (namespace, pod, container, text) => {
      server.appendPodLog(namespace, pod, container, text);
    },
    ...(options.onError ? { onError: options.onError } : {}),
  });
  const jobs = new JobController({
    kc,
    informers,
    ...(options.onError ? { onError: options.onError } : {}),
  });
  const workloads = [
    new ReplicaSetController({
      kc,
      informers,
      ...(options.onError ? { onError: options.onError } : {}),
    }),
    new DeploymentController({
      kc,
      informers,
      ...(options.onError ? { onError: options.onError } : {}),
    }),
    new VolumeController({
      kc,
      informers,
      ...(options.onError ? { onError: options.onError } : {}),
    }),
  ];
  // The Tekton controller needs its CRDs served: only with them (the default) does it run.
  const servesTekton = crds.some(
    (crd) => (crd as { metadata?: { name?: string } }).metadata?.name === 'pipelineruns.tekton.dev',
  );
  const tekton = servesTekton
    ? new TektonController({
        kc,
        catalog,
        ...(options.onError ? { onError: options.onError } : {}),
      })
    : undefined;
  await Promise.all([informers.synced(), tekton?.start()]);
  return {
    server,
    kc,
    catalog,
    async close() {
      await informers.stop();
      await Promise.all([
        tekton?.stop(),
        jobs.stop(),
        kubelet.stop(),
        ...workloads.map((controller) => controller.stop()),
      ]);
      await server.close();
    },
  };
}

async function readCrds(dir: string): Promise<object[]> {
  const files = (await readdir(dir))
    .filter((file) => file.endsWith('.yaml') || file.endsWith('.yml'))
    .sort();
  const texts = await Promise.all(files.map((file) => readFile(join(dir, file), 'utf8')));
  return texts.map((text) => parse(text) as object);
}
