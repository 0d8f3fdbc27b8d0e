// The Eviction API with PodDisruptionBudgets, through @kubernetes/client-node, as a real
// API server answers it: budget status computed from the pods, one disruption taken per
// eviction, 429 with the budget named when none is left.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  PolicyV1Api,
  type V1OwnerReference,
  type V1PodDisruptionBudget,
} from '@kubernetes/client-node';
import { requestRaw, startTestCluster, waitFor, type TestCluster } from './start-test-server.ts';

let cluster: TestCluster;
let core: CoreV1Api;
let apps: AppsV1Api;
let policy: PolicyV1Api;

async function createOwner(
  namespace: string,
  name: string,
  replicas: number,
  deployment?: V1OwnerReference,
): Promise<V1OwnerReference> {
  const rs = await apps.createNamespacedReplicaSet({
    namespace,
    body: {
      metadata: { name, ...(deployment ? { ownerReferences: [deployment] } : {}) },
      spec: {
        replicas,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: 'c', image: 'x' }] },
        },
      },
    },
  });
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    name,
    uid: rs.metadata?.uid ?? '',
    controller: true,
  };
}

async function createPod(
  namespace: string,
  name: string,
  labels: Record<string, string>,
  owner: V1OwnerReference | undefined,
  phase = 'Running',
): Promise<void> {
  await core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name, labels, ...(owner ? { ownerReferences: [owner] } : {}) },
      spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'x' }] },
    },
  });
  const pod = await core.readNamespacedPod({ namespace, name });
  pod.status = {
    phase,
    conditions: [{ type: 'Ready', status: phase === 'Running' ? 'True' : 'False' }],
  };
  await core.replaceNamespacedPodStatus({ namespace, name, body: pod });
}

async function createBudget(
  namespace: string,
  name: string,
  spec: V1PodDisruptionBudget['spec'],
): Promise<void> {
  await policy.createNamespacedPodDisruptionBudget({
    namespace,
    body: { metadata: { name }, spec },
  });
}

async function readBudgetWhen(
  namespace: string,
  name: string,
  predicate: (pdb: V1PodDisruptionBudget) => boolean,
): Promise<V1PodDisruptionBudget> {
  return waitFor(() => policy.readNamespacedPodDisruptionBudget({ namespace, name }), predicate);
}

async function evict(namespace: string, name: string, dryRun?: string[]): Promise<unknown> {
  return core.createNamespacedPodEviction({
    namespace,
    name,
    body: {
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name, namespace },
      ...(dryRun ? { deleteOptions: { dryRun } } : {}),
    },
  });
}

async function evictionError(namespace: string, name: string): Promise<ApiException<string>> {
  try {
    await evict(namespace, name);
  } catch (error) {
    assert.ok(error instanceof ApiException);
    return error as ApiException<string>;
  }
  assert.fail(`evicting ${name} succeeded`);
}

async function podNames(namespace: string): Promise<string[]> {
  const list = await core.listNamespacedPod({ namespace });
  return list.items.map((p) => p.metadata?.name ?? '').sort();
}

async function createNamespace(name: string): Promise<string> {
  await core.createNamespace({ body: { metadata: { name } } });
  return name;
}

before(async () => {
  cluster = await startTestCluster();
  core = cluster.kc.makeApiClient(CoreV1Api);
  apps = cluster.kc.makeApiClient(AppsV1Api);
  policy = cluster.kc.makeApiClient(PolicyV1Api);
});

after(async () => {
  await cluster.server.close();
});

describe('pods/eviction with PodDisruptionBudgets', () => {
  it('computes the budget status from the ready pods its selector matches', async () => {
    const ns = await createNamespace('status');
    const owner = await createOwner(ns, 'web', 3);
    for (const name of ['web-a', 'web-b', 'web-c'])
      await createPod(ns, name, { app: 'web' }, owner);
    await createPod(ns, 'other', { app: 'db' }, undefined);
    await createBudget(ns, 'web', { minAvailable: 2, selector: { matchLabels: { app: 'web' } } });
    const pdb = await readBudgetWhen(ns, 'web', (p) => p.status?.observedGeneration === 1);
    assert.equal(pdb.status?.currentHealthy, 3);
    assert.equal(pdb.status?.desiredHealthy, 2);
    assert.equal(pdb.status?.expectedPods, 3);
    assert.equal(pdb.status?.disruptionsAllowed, 1);
    assert.equal(pdb.status?.conditions?.[0]?.reason, 'SufficientPods');
  });

  it('evicts while the budget allows, then answers 429 naming the budget and keeps the pod', async () => {
    const ns = await createNamespace('budget');
    const owner = await createOwner(ns, 'web', 3);
    for (const name of ['web-a', 'web-b', 'web-c'])
      await createPod(ns, name, { app: 'web' }, owner);
    await createBudget(ns, 'web', { minAvailable: 2, selector: { matchLabels: { app: 'web' } } });
    await readBudgetWhen(ns, 'web', (p) => p.status?.disruptionsAllowed === 1);

    await evict(ns, 'web-a');
    assert.deepEqual(await podNames(ns), ['web-b', 'web-c']);
    const after = await readBudgetWhen(ns, 'web', (p) => p.status?.currentHealthy === 2);
    assert.equal(after.status?.disruptionsAllowed, 0);
    assert.equal(after.status?.conditions?.[0]?.reason, 'InsufficientPods');

    const refused = await evictionError(ns, 'web-b');
    assert.equal(refused.code, 429);
    const status = JSON.parse(refused.body) as Record<string, unknown>;
    assert.deepEqual(status, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      reason: 'TooManyRequests',
      code: 429,
      details: {
        causes: [
          {
            reason: 'DisruptionBudget',
            message: 'The disruption budget web needs 2 healthy pods and has 2 currently',
          },
        ],
      },
    });
    assert.deepEqual(await podNames(ns), ['web-b', 'web-c']);
  });

  it('evicts pods no budget guards, and pending pods whatever the budget', async () => {
    const ns = await createNamespace('free');
    const owner = await createOwner(ns, 'web', 2);
    await createPod(ns, 'web-a', { app: 'web' }, owner);
    await createPod(ns, 'web-pending', { app: 'web' }, owner, 'Pending');
    await createPod(ns, 'loner', { app: 'loner' }, undefined);
    await createBudget(ns, 'web', { maxUnavailable: 0, selector: { matchLabels: { app: 'web' } } });
    await readBudgetWhen(ns, 'web', (p) => p.status?.observedGeneration === 1);
    await evict(ns, 'loner');
    await evict(ns, 'web-pending');
    assert.equal((await evictionError(ns, 'web-a')).code, 429);
    assert.deepEqual(await podNames(ns), ['web-a']);
  });

  it('scales maxUnavailable against the Deployment that owns the ReplicaSet', async () => {
    const ns = await createNamespace('scaled');
    const deployment = await apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 4,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'c', image: 'x' }] },
          },
        },
      },
    });
    const owner = await createOwner(ns, 'web-1', 4, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'web',
      uid: deployment.metadata?.uid ?? '',
      controller: true,
    });
    for (const name of ['web-a', 'web-b', 'web-c'])
      await createPod(ns, name, { app: 'web' }, owner);
    await createBudget(ns, 'web', { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } });
    // Four wanted, three healthy: the one allowed disruption is already used up.
    const pdb = await readBudgetWhen(ns, 'web', (p) => p.status?.observedGeneration === 1);
    assert.equal(pdb.status?.expectedPods, 4);
    assert.equal(pdb.status?.desiredHealthy, 3);
    assert.equal(pdb.status?.disruptionsAllowed, 0);
    assert.equal((await evictionError(ns, 'web-a')).code, 429);
  });

  it('changes nothing on a dry run', async () => {
    const ns = await createNamespace('dry');
    const owner = await createOwner(ns, 'web', 2);
    for (const name of ['web-a', 'web-b']) await createPod(ns, name, { app: 'web' }, owner);
    await createBudget(ns, 'web', { minAvailable: 1, selector: { matchLabels: { app: 'web' } } });
    await readBudgetWhen(ns, 'web', (p) => p.status?.disruptionsAllowed === 1);
    await evict(ns, 'web-a', ['All']);
    assert.deepEqual(await podNames(ns), ['web-a', 'web-b']);
    const pdb = await policy.readNamespacedPodDisruptionBudget({ namespace: ns, name: 'web' });
    assert.equal(pdb.status?.disruptionsAllowed, 1);
    assert.equal(pdb.status?.disruptedPods, undefined);
  });

  it('refuses a pod two budgets guard with 500, as the real server does', async () => {
    const ns = await createNamespace('two');
    const owner = await createOwner(ns, 'web', 2);
    for (const name of ['web-a', 'web-b']) await createPod(ns, name, { app: 'web' }, owner);
    await createBudget(ns, 'one', { minAvailable: 0, selector: { matchLabels: { app: 'web' } } });
    await createBudget(ns, 'two', { minAvailable: 0, selector: { matchLabels: { app: 'web' } } });
    const err = await evictionError(ns, 'web-a');
    assert.equal(err.code, 500);
    assert.match(err.body, /more than one PodDisruptionBudget/);
    assert.deepEqual(await podNames(ns), ['web-a', 'web-b']);
  });

  it('rejects an Eviction whose name differs from the URL, and unknown pods', async () => {
    const ns = await createNamespace('bad');
    await createPod(ns, 'p', { app: 'x' }, undefined);
    const res = await requestRaw(
      cluster.server,
      'POST',
      `/api/v1/namespaces/${ns}/pods/p/eviction`,
      {
        body: JSON.stringify({
          apiVersion: 'policy/v1',
          kind: 'Eviction',
          metadata: { name: 'q' },
        }),
      },
    );
    assert.equal(res.status, 400);
    assert.match(res.text, /name in URL does not match name in Eviction object/);
    assert.equal((await evictionError(ns, 'missing')).code, 404);
    assert.deepEqual(await podNames(ns), ['p']);
  });

  it('rejects a budget with both minAvailable and maxUnavailable', async () => {
    await assert.rejects(
      createBudget('default', 'both', { minAvailable: 1, maxUnavailable: 1, selector: {} }),
      (error: unknown) => error instanceof ApiException && error.code === 422,
    );
  });

  it('is discoverable as kubectl drain looks for it', async () => {
    const core = JSON.parse((await requestRaw(cluster.server, 'GET', '/api/v1')).text) as {
      resources: { name: string; kind: string; group?: string; version?: string }[];
    };
    assert.deepEqual(
      core.resources.find((r) => r.name === 'pods/eviction'),
      {
        name: 'pods/eviction',
        singularName: '',
        namespaced: true,
        group: 'policy',
        version: 'v1',
        kind: 'Eviction',
        verbs: ['create'],
      },
    );
    const group = JSON.parse((await requestRaw(cluster.server, 'GET', '/apis/policy/v1')).text) as {
      resources: { name: string }[];
    };
    assert.deepEqual(
      group.resources.map((r) => r.name),
      ['poddisruptionbudgets', 'poddisruptionbudgets/status'],
    );
  });
});
