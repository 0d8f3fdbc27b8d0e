import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  type V1OwnerReference,
} from '@kubernetes/client-node';
import {
  buildWorkflowExecution,
  startTestCluster,
  waitFor,
  type TestCluster,
} from './start-test-server.ts';

const WFE = { group: 'kubernaut.ai', version: 'v1alpha1', plural: 'workflowexecutions' };

describe('finalizers, garbage collection and namespace deletion', () => {
  let cluster: TestCluster;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let custom: CustomObjectsApi;

  before(async () => {
    cluster = await startTestCluster();
    core = cluster.kc.makeApiClient(CoreV1Api);
    apps = cluster.kc.makeApiClient(AppsV1Api);
    custom = cluster.kc.makeApiClient(CustomObjectsApi);
  });
  after(() => cluster.server.close());

  const exists = async (name: string, namespace = 'default'): Promise<boolean> =>
    core.readNamespacedConfigMap({ namespace, name }).then(
      () => true,
      () => false,
    );

  /** A WorkflowExecution owning `children` ConfigMaps. */
  async function createOwnerWithChildren(
    name: string,
    children: string[],
    block = false,
  ): Promise<V1OwnerReference> {
    const owner = (await custom.createNamespacedCustomObject({
      ...WFE,
      namespace: 'default',
      body: buildWorkflowExecution(name),
    })) as {
      metadata: { uid: string };
    };
    const ref: V1OwnerReference = {
      apiVersion: 'kubernaut.ai/v1alpha1',
      kind: 'WorkflowExecution',
      name,
      uid: owner.metadata.uid,
      blockOwnerDeletion: block,
    };
    for (const child of children) {
      await core.createNamespacedConfigMap({
        namespace: 'default',
        body: { metadata: { name: child, ownerReferences: [ref] } },
      });
    }
    return ref;
  }

  it('keeps an object with finalizers, marked with deletionTimestamp, until they are removed', async () => {
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'held', finalizers: ['example.dev/hold'] } },
    });
    await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'held' });
    const marked = await core.readNamespacedConfigMap({ namespace: 'default', name: 'held' });
    assert.ok(marked.metadata?.deletionTimestamp instanceof Date);
    await assert.rejects(
      core.patchNamespacedConfigMap(
        {
          namespace: 'default',
          name: 'held',
          body: { metadata: { finalizers: ['example.dev/hold', 'example.dev/new'] } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
      /422/,
    );
    await core.patchNamespacedConfigMap(
      {
        namespace: 'default',
        name: 'held',
        body: [{ op: 'remove', path: '/metadata/finalizers' }],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    assert.equal(await exists('held'), false);
  });

  it('collects dependents in the background when the owner is deleted', async () => {
    await createOwnerWithChildren('bg', ['bg-1', 'bg-2']);
    await custom.deleteNamespacedCustomObject({ ...WFE, namespace: 'default', name: 'bg' });
    await waitFor(
      async () => (await exists('bg-1')) || (await exists('bg-2')),
      (e) => !e,
    );
  });

  it('deletes dependents first with Foreground propagation', async () => {
    await createOwnerWithChildren('fg', ['fg-1'], true);
    await core.patchNamespacedConfigMap(
      {
        namespace: 'default',
        name: 'fg-1',
        body: { metadata: { finalizers: ['example.dev/slow'] } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await custom.deleteNamespacedCustomObject({
      ...WFE,
      namespace: 'default',
      name: 'fg',
      propagationPolicy: 'Foreground',
    });
    const owner = (await custom.getNamespacedCustomObject({
      ...WFE,
      namespace: 'default',
      name: 'fg',
    })) as {
      metadata: { finalizers?: string[]; deletionTimestamp?: string };
    };
    assert.ok(owner.metadata.finalizers?.includes('foregroundDeletion'));
    await waitFor(
      () => core.readNamespacedConfigMap({ namespace: 'default', name: 'fg-1' }),
      (c) => c.metadata?.deletionTimestamp !== undefined,
    );
    assert.equal(
      (await custom.getNamespacedCustomObject({ ...WFE, namespace: 'default', name: 'fg' })) !==
        undefined,
      true,
      'owner waits for a blocking dependent',
    );
    await core.patchNamespacedConfigMap(
      { namespace: 'default', name: 'fg-1', body: { metadata: { finalizers: null } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await waitFor(
      () =>
        custom.getNamespacedCustomObject({ ...WFE, namespace: 'default', name: 'fg' }).then(
          () => true,
          () => false,
        ),
      (present) => !present,
    );
  });

  it('orphans dependents with Orphan propagation', async () => {
    await createOwnerWithChildren('or', ['or-1']);
    await custom.deleteNamespacedCustomObject({
      ...WFE,
      namespace: 'default',
      name: 'or',
      propagationPolicy: 'Orphan',
    });
    const orphan = await waitFor(
      () => core.readNamespacedConfigMap({ namespace: 'default', name: 'or-1' }),
      (c) => c.metadata?.ownerReferences === undefined,
    );
    assert.equal(orphan.metadata?.deletionTimestamp, undefined);
    await waitFor(
      () =>
        custom.getNamespacedCustomObject({ ...WFE, namespace: 'default', name: 'or' }).then(
          () => true,
          () => false,
        ),
      (present) => !present,
    );
  });

  it('collects a ReplicaSet owned by a Deployment deleted through the typed API', async () => {
    const dep = await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'd1' },
        spec: {
          selector: { matchLabels: { a: 'b' } },
          template: {
            metadata: { labels: { a: 'b' } },
            spec: { containers: [{ name: 'c', image: 'x:1' }] },
          },
        },
      },
    });
    await apps.createNamespacedReplicaSet({
      namespace: 'default',
      body: {
        metadata: {
          name: 'd1-rs',
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              name: 'd1',
              uid: dep.metadata?.uid ?? '',
              controller: true,
            },
          ],
        },
        spec: {
          selector: { matchLabels: { a: 'b' } },
          template: {
            metadata: { labels: { a: 'b' } },
            spec: { containers: [{ name: 'c', image: 'x:1' }] },
          },
        },
      },
    });
    await apps.deleteNamespacedDeployment({ namespace: 'default', name: 'd1' });
    await waitFor(
      () =>
        apps.readNamespacedReplicaSet({ namespace: 'default', name: 'd1-rs' }).then(
          () => true,
          () => false,
        ),
      (present) => !present,
    );
  });

  it('collects a dependent whose owner never existed', async () => {
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: {
        metadata: {
          name: 'dangling',
          ownerReferences: [
            {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              name: 'ghost',
              uid: '00000000-0000-0000-0000-000000000000',
            },
          ],
        },
      },
    });
    await waitFor(
      () => exists('dangling'),
      (e) => !e,
    );
  });

  it('empties a deleted namespace, then removes it; creates in it are forbidden meanwhile', async () => {
    await core.createNamespace({ body: { metadata: { name: 'doomed' } } });
    await core.createNamespacedConfigMap({
      namespace: 'doomed',
      body: { metadata: { name: 'x', finalizers: ['example.dev/hold'] } },
    });
    await core.deleteNamespace({ name: 'doomed' });
    const terminating = await core.readNamespace({ name: 'doomed' });
    assert.equal(terminating.status?.phase, 'Terminating');
    assert.deepEqual(
      terminating.spec?.finalizers,
      ['kubernetes'],
      'the namespace controller finalizes through spec',
    );
    assert.equal(terminating.metadata?.finalizers, undefined);
    await assert.rejects(
      core.createNamespacedConfigMap({ namespace: 'doomed', body: { metadata: { name: 'y' } } }),
      /403/,
    );
    await core.patchNamespacedConfigMap(
      { namespace: 'doomed', name: 'x', body: { metadata: { finalizers: null } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await waitFor(
      () =>
        core.readNamespace({ name: 'doomed' }).then(
          () => true,
          () => false,
        ),
      (present) => !present,
    );
  });
});

describe('graceful pod deletion (opt-in)', () => {
  let cluster: TestCluster;
  let core: CoreV1Api;

  before(async () => {
    cluster = await startTestCluster({ gracefulPodDeletion: true });
    core = cluster.kc.makeApiClient(CoreV1Api);
  });
  after(() => cluster.server.close());

  it('keeps a bound pod terminating until deleted with grace period 0; removes unbound pods at once', async () => {
    const spec = {
      containers: [{ name: 'c', image: 'busybox:1' }],
      terminationGracePeriodSeconds: 20,
    };
    await core.createNamespacedPod({
      namespace: 'default',
      body: { metadata: { name: 'bound' }, spec: { ...spec, nodeName: 'n1' } },
    });
    await core.createNamespacedPod({
      namespace: 'default',
      body: { metadata: { name: 'unbound' }, spec },
    });
    await core.deleteNamespacedPod({ namespace: 'default', name: 'unbound' });
    await assert.rejects(core.readNamespacedPod({ namespace: 'default', name: 'unbound' }), /404/);
    const before = Date.now();
    await core.deleteNamespacedPod({ namespace: 'default', name: 'bound' });
    const terminating = await core.readNamespacedPod({ namespace: 'default', name: 'bound' });
    assert.equal(terminating.metadata?.deletionGracePeriodSeconds, 20);
    assert.ok((terminating.metadata?.deletionTimestamp?.getTime() ?? 0) >= before + 18_000);
    await core.deleteNamespacedPod({ namespace: 'default', name: 'bound', gracePeriodSeconds: 0 });
    await assert.rejects(core.readNamespacedPod({ namespace: 'default', name: 'bound' }), /404/);
  });
});
