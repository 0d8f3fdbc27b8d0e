// The real `kubectl drain` against the embedded API server: cordon, DaemonSet pods left
// alone, evictions through pods/eviction, a PodDisruptionBudget's 429 retried until the
// budget allows it. kubectl's drain is the reference client of the Eviction API.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AppsV1Api,
  CoreV1Api,
  PolicyV1Api,
  type KubeConfig,
  type V1OwnerReference,
} from '@kubernetes/client-node';
import {
  buildKubeConfig,
  startApiServer,
  writeKubeconfig,
  type ApiServer,
} from '../../../wrangler-free-local/apiserver/index.ts';
import { KUBECTL, kubectlMissing, kubectlResult } from '../../fixtures/kubectl.ts';

const SKIP = kubectlMissing() ?? false;

let server: ApiServer;
let kc: KubeConfig;
let dir: string;
let kubeconfig: string;

async function ownerOf(
  kind: 'ReplicaSet' | 'DaemonSet',
  name: string,
  namespace: string,
): Promise<V1OwnerReference> {
  const apps = kc.makeApiClient(AppsV1Api);
  const spec = {
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: 'c', image: 'x' }] },
    },
  };
  const created =
    kind === 'ReplicaSet'
      ? await apps.createNamespacedReplicaSet({
          namespace,
          body: { metadata: { name }, spec: { ...spec, replicas: 2 } },
        })
      : await apps.createNamespacedDaemonSet({ namespace, body: { metadata: { name }, spec } });
  return { apiVersion: 'apps/v1', kind, name, uid: created.metadata?.uid ?? '', controller: true };
}

async function runningPod(
  namespace: string,
  name: string,
  node: string,
  owner: V1OwnerReference,
): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  await core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name, labels: { app: owner.name }, ownerReferences: [owner] },
      spec: { nodeName: node, containers: [{ name: 'c', image: 'x' }] },
    },
  });
  const pod = await core.readNamespacedPod({ namespace, name });
  pod.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
  await core.replaceNamespacedPodStatus({ namespace, name, body: pod });
}

async function podsOn(node: string): Promise<string[]> {
  const list = await kc
    .makeApiClient(CoreV1Api)
    .listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` });
  return list.items.map((p) => p.metadata?.name ?? '').sort();
}

/** Starts kubectl drain; resolves `refused` when kubectl reports the budget's 429. */
function startDrain(
  node: string,
  args: string[],
): { refused: Promise<void>; done: Promise<{ code: number | null; output: string }> } {
  const child = spawn(KUBECTL, ['--kubeconfig', kubeconfig, 'drain', node, ...args]);
  let output = '';
  let onRefused: () => void = () => undefined;
  const refused = new Promise<void>((resolve) => (onRefused = resolve));
  const collect = (chunk: Buffer): void => {
    output += chunk.toString();
    if (output.includes("Cannot evict pod as it would violate the pod's disruption budget."))
      onRefused();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const done = new Promise<{ code: number | null; output: string }>((resolve) => {
    child.on('close', (code) => {
      resolve({ code, output });
    });
  });
  return { refused, done };
}

describe('kubectl drain against the embedded API server', { skip: SKIP }, () => {
  before(async () => {
    server = await startApiServer({ tokens: ['drain-token'] });
    kc = buildKubeConfig(server);
    dir = await mkdtemp(join(tmpdir(), 'kubectl-drain-'));
    kubeconfig = join(dir, 'kubeconfig');
    await writeKubeconfig(kubeconfig, server);
    const core = kc.makeApiClient(CoreV1Api);
    for (const name of ['node-a', 'node-b'])
      await core.createNode({ body: { metadata: { name } } });
  });

  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses DaemonSet pods unless told to ignore them, after cordoning', async () => {
    const ds = await ownerOf('DaemonSet', 'agent-b', 'default');
    await runningPod('default', 'agent-b-1', 'node-b', ds);
    const result = await kubectlResult(kubeconfig, ['drain', 'node-b', '--timeout=10s']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /cannot delete DaemonSet-managed Pods.*default\/agent-b-1/);
    const node = await kc.makeApiClient(CoreV1Api).readNode({ name: 'node-b' });
    assert.equal(node.spec?.unschedulable, true);
    assert.deepEqual(await podsOn('node-b'), ['agent-b-1']);
  });

  it('retries the budget refusal and finishes once the budget allows', async () => {
    const rs = await ownerOf('ReplicaSet', 'web', 'default');
    const ds = await ownerOf('DaemonSet', 'agent', 'default');
    await runningPod('default', 'web-1', 'node-a', rs);
    await runningPod('default', 'web-2', 'node-a', rs);
    await runningPod('default', 'agent-1', 'node-a', ds);
    const policy = kc.makeApiClient(PolicyV1Api);
    await policy.createNamespacedPodDisruptionBudget({
      namespace: 'default',
      body: {
        metadata: { name: 'web' },
        spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } },
      },
    });

    const drain = startDrain('node-a', ['--ignore-daemonsets', '--timeout=60s']);
    await drain.refused;
    // One web pod went; the budget protects the other until it is relaxed.
    const left = await podsOn('node-a');
    assert.equal(left.length, 2, left.join());
    assert.ok(left.includes('agent-1') && left.some((p) => p.startsWith('web-')), left.join());
    const pdb = await policy.readNamespacedPodDisruptionBudget({
      namespace: 'default',
      name: 'web',
    });
    pdb.spec = { ...pdb.spec, minAvailable: 0 };
    await policy.replaceNamespacedPodDisruptionBudget({
      namespace: 'default',
      name: 'web',
      body: pdb,
    });

    const { code, output } = await drain.done;
    assert.equal(code, 0, output);
    assert.match(output, /node\/node-a cordoned/);
    assert.match(output, /Warning: ignoring DaemonSet-managed Pods: default\/agent-1/);
    assert.match(output, /pod\/web-1 evicted/);
    assert.match(output, /pod\/web-2 evicted/);
    assert.match(output, /node\/node-a drained/);
    assert.deepEqual(await podsOn('node-a'), ['agent-1']);
  });
});
