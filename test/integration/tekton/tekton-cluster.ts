/** Helpers for the simulated Tekton tests: apply Tekton YAML, wait for runs, shell images. */
import { existsSync, watch } from 'node:fs';
import { join } from 'node:path';
import {
  CustomObjectsApi,
  Watch,
  type CoreV1Event,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { isDone } from '../../../wrangler-free-local/tekton/conditions.ts';
import type { ImageCatalog } from '../../../wrangler-free-local/cluster/image-catalog.ts';
import type { PipelineRun, TaskRun } from '../../../wrangler-free-local/tekton/types.ts';
import { waitForObject } from '../../fixtures/wait-for-object.ts';
import type { TestLocalCluster } from '../cluster/start-local-cluster.ts';

const PLURALS: Record<string, string> = {
  Task: 'tasks',
  Pipeline: 'pipelines',
  PipelineRun: 'pipelineruns',
  TaskRun: 'taskruns',
};

/** Creates Tekton objects (one or many YAML documents); returns them as created. */
export async function applyTekton(
  cluster: TestLocalCluster,
  objects: object | object[] | string,
): Promise<KubernetesObject[]> {
  const list =
    typeof objects === 'string'
      ? parseAllDocuments(objects)
          .map((document) => document.toJSON() as KubernetesObject | null)
          .filter((object): object is KubernetesObject => object !== null)
      : ((Array.isArray(objects) ? objects : [objects]) as KubernetesObject[]);
  const custom = cluster.kc.makeApiClient(CustomObjectsApi);
  const created: KubernetesObject[] = [];
  for (const object of list) {
    created.push(
      (await custom.createNamespacedCustomObject({
        group: 'tekton.dev',
        version: 'v1',
        plural: PLURALS[object.kind ?? ''] ?? '',
        namespace: object.metadata?.namespace ?? 'default',
        body: object,
      })) as KubernetesObject,
    );
  }
  return created;
}

export function waitForPipelineRun(
  cluster: TestLocalCluster,
  name: string,
  predicate: (run: PipelineRun) => boolean = (run) => isDone(run.status),
  timeoutMs = 15_000,
): Promise<PipelineRun> {
  return waitForObject<PipelineRun & KubernetesObject>(
    cluster.kc,
    '/apis/tekton.dev/v1/namespaces/default/pipelineruns',
    name,
    predicate,
    timeoutMs,
  );
}

export function waitForTaskRun(
  cluster: TestLocalCluster,
  name: string,
  predicate: (run: TaskRun) => boolean = (run) => isDone(run.status),
  timeoutMs = 15_000,
): Promise<TaskRun> {
  return waitForObject<TaskRun & KubernetesObject>(
    cluster.kc,
    '/apis/tekton.dev/v1/namespaces/default/taskruns',
    name,
    predicate,
    timeoutMs,
  );
}

export async function getTaskRun(cluster: TestLocalCluster, name: string): Promise<TaskRun> {
  return (await cluster.kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
    group: 'tekton.dev',
    version: 'v1',
    plural: 'taskruns',
    namespace: 'default',
    name,
  })) as TaskRun;
}

export async function patchPipelineRun(
  cluster: TestLocalCluster,
  name: string,
  body: object,
): Promise<void> {
  const { mergePatch } = await import('../../../src/kube/patch-options.ts');
  await cluster.kc.makeApiClient(CustomObjectsApi).patchNamespacedCustomObject(
    {
      group: 'tekton.dev',
      version: 'v1',
      plural: 'pipelineruns',
      namespace: 'default',
      name,
      body,
    },
    mergePatch,
  );
}

export const conditionOf = (run: PipelineRun | TaskRun) =>
  run.status?.conditions?.find((condition) => condition.type === 'Succeeded');

/**
 * The public images of Tekton's examples, by exact reference: their shells are the host's
 * bash (busybox's and alpine's sh accept `==` and `[[`, which dash does not).
 */
export function registerShellImages(catalog: ImageCatalog): void {
  const shell = {
    '/bin/sh': ['/bin/bash'],
    '/bin/bash': ['/bin/bash'],
    '/usr/bin/bash': ['/bin/bash'],
  };
  for (const image of [
    'mirror.gcr.io/alpine',
    'mirror.gcr.io/ubuntu',
    'mirror.gcr.io/busybox',
    'alpine',
    'ubuntu',
  ]) {
    catalog.add(image, { entrypoint: ['/bin/bash'], executables: shell });
  }
}

/** Waits for an Event about an object (e.g. the kubelet's `Started container step-x`). */
export async function waitForEvent(
  cluster: TestLocalCluster,
  involvedName: string,
  predicate: (event: CoreV1Event) => boolean,
  timeoutMs = 10_000,
): Promise<CoreV1Event> {
  let request: AbortController | undefined;
  try {
    return await new Promise<CoreV1Event>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`no matching event about ${involvedName} in ${String(timeoutMs)} ms`));
      }, timeoutMs);
      void new Watch(cluster.kc)
        .watch(
          '/api/v1/namespaces/default/events',
          { fieldSelector: `involvedObject.name=${involvedName}` },
          (type: string, event: CoreV1Event) => {
            if (type === 'DELETED' || !predicate(event)) return;
            clearTimeout(timer);
            resolve(event);
          },
          (error: unknown) => {
            if (error) reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
          },
        )
        .then((controller) => (request = controller), reject);
    });
  } finally {
    request?.abort();
  }
}

type Lister = (fieldSelector: string) => Promise<{
  metadata?: { resourceVersion?: string };
  items: unknown[];
}>;

/**
 * Waits until an object is gone: list it by name (none means gone already), then watch from
 * the list's resourceVersion for its DELETED event; typed listers, no discovery round trip.
 */
export async function waitForGone(
  cluster: TestLocalCluster,
  collectionPath: string,
  name: string,
  list: Lister,
  timeoutMs = 10_000,
): Promise<void> {
  const fieldSelector = `metadata.name=${name}`;
  const current = await list(fieldSelector);
  if (current.items.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  let settle: (error?: Error) => void = () => undefined;
  const gone = new Promise<void>((resolve, reject) => {
    settle = (error) => (error ? reject(error) : resolve());
    timer = setTimeout(() => {
      settle(new Error(`${collectionPath}/${name} still exists after ${String(timeoutMs)} ms`));
    }, timeoutMs);
  });
  const controller = await new Watch(cluster.kc).watch(
    collectionPath,
    { fieldSelector, resourceVersion: current.metadata?.resourceVersion },
    (type: string) => {
      if (type === 'DELETED') settle();
    },
    (error: unknown) => {
      if (error) settle(error instanceof Error ? error : new Error(JSON.stringify(error)));
    },
  );
  try {
    await gone;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

export const podsLister =
  (cluster: TestLocalCluster): Lister =>
  (fieldSelector) =>
    cluster.core.listNamespacedPod({ namespace: 'default', fieldSelector });

/**
 * Waits until the kubelet is done with a deleted pod: it removes the pod's sandbox directory
 * once the pod's processes have ended (watched with fs.watch, no polling). A test that stops
 * a pod waits for this so that the cluster does not close under a process still exiting.
 */
export async function waitForPodProcessesToEnd(
  cluster: TestLocalCluster,
  pod: string,
  timeoutMs = 10_000,
): Promise<void> {
  const parent = join(cluster.stateDir, 'pods', 'default');
  const sandbox = join(parent, pod);
  if (!existsSync(parent)) return;
  const watcher = watch(parent);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`the kubelet still runs pod ${pod} after ${String(timeoutMs)} ms`));
      }, timeoutMs);
      const check = (): void => {
        if (existsSync(sandbox)) return;
        clearTimeout(timer);
        resolve();
      };
      watcher.on('change', check);
      check();
    });
  } finally {
    watcher.close();
  }
}

/** A tekton.dev/v1 object of a kind, named, with a spec: what tests apply. */
export const tektonObject =
  (kind: 'PipelineRun' | 'TaskRun') =>
  (name: string, spec: object): object => ({
    apiVersion: 'tekton.dev/v1',
    kind,
    metadata: { name },
    spec,
  });
