import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { buildKubeConfig } from '../../../wrangler-free-local/apiserver/index.ts';
import {
  buildWorkflowExecution,
  requestRaw,
  startTestCluster,
  type TestCluster,
} from './start-test-server.ts';

const WFE = { group: 'kubernaut.ai', version: 'v1alpha1', plural: 'workflowexecutions' };

interface StatusBody {
  kind: string;
  reason: string;
  code: number;
  message: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: { field?: string; reason: string }[];
  };
}

/** Runs `fn`, expecting an ApiException; returns its code and parsed Status body. */
async function catchStatus(
  fn: () => Promise<unknown>,
): Promise<{ code: number; body: StatusBody }> {
  try {
    await fn();
  } catch (err) {
    assert.ok(err instanceof ApiException, `expected ApiException, got ${String(err)}`);
    const body = JSON.parse(String(err.body)) as StatusBody;
    return { code: err.code, body };
  }
  assert.fail('expected the call to fail');
}

interface Wfe extends KubernetesObject {
  spec: Record<string, unknown>;
  status?: Record<string, unknown>;
}

describe('CRUD semantics (client-node)', () => {
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

  it('answers 401 Unauthorized Status without a valid token', async () => {
    const kc = buildKubeConfig({ ...cluster.server, token: 'wrong' });
    await assert.rejects(
      kc.makeApiClient(CoreV1Api).listNamespace(),
      (err: unknown) => err instanceof ApiException && err.code === 401,
    );
    for (const token of [null, 'wrong']) {
      const res = await requestRaw(cluster.server, 'GET', '/api/v1/namespaces', { token });
      assert.equal(res.status, 401);
      assert.deepEqual(JSON.parse(res.text), {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      });
    }
  });

  it('starts with the default and kube-system namespaces', async () => {
    const list = await core.listNamespace();
    const names = list.items.map((n) => n.metadata?.name);
    assert.ok(names.includes('default') && names.includes('kube-system'));
  });

  it('fills uid, creationTimestamp and an increasing resourceVersion; generateName', async () => {
    const a = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'cm-a' } },
    });
    const b = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { generateName: 'cm-' } },
    });
    assert.match(a.metadata?.uid ?? '', /^[0-9a-f-]{36}$/);
    assert.match(a.metadata?.creationTimestamp?.toISOString() ?? '', /^\d{4}-/);
    assert.ok(Number(b.metadata?.resourceVersion) > Number(a.metadata?.resourceVersion));
    assert.match(b.metadata?.name ?? '', /^cm-[a-z0-9]{5}$/);
  });

  it('answers 409 AlreadyExists with the real Status shape', async () => {
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'dup' } },
    });
    const { code, body } = await catchStatus(() =>
      core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'dup' } } }),
    );
    assert.equal(code, 409);
    assert.equal(body.kind, 'Status');
    assert.equal(body.reason, 'AlreadyExists');
    assert.equal(body.message, 'configmaps "dup" already exists');
    assert.deepEqual(body.details, { name: 'dup', kind: 'configmaps' });
  });

  it('answers 404 NotFound for a missing object, a missing namespace and an unknown resource', async () => {
    const missing = await catchStatus(() =>
      apps.readNamespacedDeployment({ namespace: 'default', name: 'nope' }),
    );
    assert.equal(missing.code, 404);
    assert.equal(missing.body.reason, 'NotFound');
    assert.equal(missing.body.message, 'deployments.apps "nope" not found');
    assert.deepEqual(missing.body.details, { name: 'nope', group: 'apps', kind: 'deployments' });
    const noNs = await catchStatus(() =>
      core.createNamespacedConfigMap({ namespace: 'ghost', body: { metadata: { name: 'x' } } }),
    );
    assert.equal(noNs.code, 404);
    assert.equal(noNs.body.message, 'namespaces "ghost" not found');
    const res = await requestRaw(cluster.server, 'GET', '/apis/nope.io/v1/things');
    assert.equal(res.status, 404);
    assert.equal((JSON.parse(res.text) as StatusBody).reason, 'NotFound');
  });

  it('answers 409 Conflict for an update with a stale resourceVersion', async () => {
    const cm = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'cas' }, data: { v: '1' } },
    });
    await core.replaceNamespacedConfigMap({
      namespace: 'default',
      name: 'cas',
      body: { ...cm, data: { v: '2' } },
    });
    const { code, body } = await catchStatus(() =>
      core.replaceNamespacedConfigMap({
        namespace: 'default',
        name: 'cas',
        body: { ...cm, data: { v: '3' } },
      }),
    );
    assert.equal(code, 409);
    assert.equal(body.reason, 'Conflict');
    assert.match(body.message, /the object has been modified/);
  });

  it('keeps the resourceVersion on a no-op update', async () => {
    const cm = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'noop' }, data: { v: '1' } },
    });
    const same = await core.replaceNamespacedConfigMap({
      namespace: 'default',
      name: 'noop',
      body: cm,
    });
    assert.equal(same.metadata?.resourceVersion, cm.metadata?.resourceVersion);
  });

  it('bumps generation on spec changes only and splits the status subresource', async () => {
    const created = (await custom.createNamespacedCustomObject({
      ...WFE,
      namespace: 'default',
      body: buildWorkflowExecution('gen', {}),
    })) as Wfe;
    assert.equal(created.metadata?.generation, 1);
    assert.equal(created.status, undefined, 'status on create is dropped');
    const withStatus = (await custom.patchNamespacedCustomObjectStatus(
      {
        ...WFE,
        namespace: 'default',
        name: 'gen',
        body: { status: { phase: 'Running' }, spec: { workflowType: 'ignored' } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as Wfe;
    assert.equal(withStatus.status?.['phase'], 'Running');
    assert.equal(withStatus.spec['workflowType'], 'oom-remediation', '/status ignores spec');
    assert.equal(withStatus.metadata?.generation, 1, 'status writes keep generation');
    const specChange = (await custom.patchNamespacedCustomObject(
      {
        ...WFE,
        namespace: 'default',
        name: 'gen',
        body: { spec: { workflowType: 'other' }, status: { phase: 'Failed' } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as Wfe;
    assert.equal(specChange.metadata?.generation, 2);
    assert.equal(specChange.status?.['phase'], 'Running', 'the main resource ignores status');
    const labelOnly = (await custom.patchNamespacedCustomObject(
      { ...WFE, namespace: 'default', name: 'gen', body: { metadata: { labels: { a: 'b' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as Wfe;
    assert.equal(labelOnly.metadata?.generation, 2);
  });

  it('requires a resourceVersion to replace a custom resource', async () => {
    const created = (await custom.createNamespacedCustomObject({
      ...WFE,
      namespace: 'default',
      body: buildWorkflowExecution('norv'),
    })) as Wfe;
    const body = { ...created, metadata: { ...created.metadata, resourceVersion: undefined } };
    const { code, body: status } = await catchStatus(() =>
      custom.replaceNamespacedCustomObject({ ...WFE, namespace: 'default', name: 'norv', body }),
    );
    assert.equal(code, 422);
    assert.equal(status.details?.causes?.[0]?.field, 'metadata.resourceVersion');
  });

  it('rejects an invalid name with 422 Invalid and a metadata.name cause', async () => {
    const { code, body } = await catchStatus(() =>
      core.createNamespacedConfigMap({
        namespace: 'default',
        body: { metadata: { name: 'Bad_Name' } },
      }),
    );
    assert.equal(code, 422);
    assert.equal(body.reason, 'Invalid');
    assert.equal(body.details?.causes?.[0]?.field, 'metadata.name');
  });

  it('answers 400 BadRequest when the body namespace differs from the URL', async () => {
    const { code, body } = await catchStatus(() =>
      core.createNamespacedConfigMap({
        namespace: 'default',
        body: { metadata: { name: 'x', namespace: 'kube-system' } },
      }),
    );
    assert.equal(code, 400);
    assert.equal(body.reason, 'BadRequest');
  });

  it('applies JSON patch, merge patch and strategic merge patch', async () => {
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'web' },
        spec: {
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: {
              containers: [{ name: 'web', image: 'nginx:1', env: [{ name: 'A', value: '1' }] }],
            },
          },
        },
      },
    });
    const strategic = await apps.patchNamespacedDeployment(
      {
        namespace: 'default',
        name: 'web',
        body: {
          spec: {
            template: { spec: { containers: [{ name: 'web', env: [{ name: 'B', value: '2' }] }] } },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    assert.deepEqual(
      strategic.spec?.template.spec?.containers[0]?.env?.map((e) => e.name),
      ['A', 'B'],
    );
    assert.equal(strategic.spec?.template.spec?.containers[0]?.image, 'nginx:1');
    const json = await apps.patchNamespacedDeployment({
      namespace: 'default',
      name: 'web',
      body: [{ op: 'replace', path: '/spec/replicas', value: 4 }],
    });
    assert.equal(json.spec?.replicas, 4);
    assert.equal(json.metadata?.generation, 3);
    const merge = await apps.patchNamespacedDeployment(
      {
        namespace: 'default',
        name: 'web',
        body: { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:2' }] } } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    assert.equal(
      merge.spec?.template.spec?.containers[0]?.env,
      undefined,
      'merge patch replaces lists',
    );
    const bad = await catchStatus(() =>
      custom.patchNamespacedCustomObject(
        { ...WFE, namespace: 'default', name: 'gen', body: { spec: {} } },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      ),
    );
    assert.equal(bad.code, 415, 'custom resources do not take strategic merge patches');
  });

  it('serves the scale subresource of deployments', async () => {
    const scale = await apps.readNamespacedDeploymentScale({ namespace: 'default', name: 'web' });
    assert.equal(scale.kind, 'Scale');
    assert.equal(scale.status?.selector, 'app=web');
    await apps.replaceNamespacedDeploymentScale({
      namespace: 'default',
      name: 'web',
      body: { ...scale, spec: { replicas: 7 } },
    });
    const dep = await apps.readNamespacedDeployment({ namespace: 'default', name: 'web' });
    assert.equal(dep.spec?.replicas, 7);
  });

  it('creates, reads and deletes through KubernetesObjectApi (discovery-driven)', async () => {
    const client = KubernetesObjectApi.makeApiClient(cluster.kc);
    const spec = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'generic', namespace: 'default' },
      data: { a: '1' },
    };
    await client.create(spec);
    const read = await client.read<KubernetesObject & { data?: Record<string, string> }>({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'generic', namespace: 'default' },
    });
    assert.equal(read.data?.['a'], '1');
    const wfe = await client.create(
      buildWorkflowExecution('via-object-api', {
        namespace: 'default',
      }),
    );
    assert.equal(wfe.kind, 'WorkflowExecution');
    await client.delete(spec);
    const gone = await catchStatus(() => client.read(spec));
    assert.equal(gone.code, 404);
  });

  it('answers a finished delete with a Success Status, but pods with the object', async () => {
    const cm = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'gone' } },
    });
    const res = await requestRaw(
      cluster.server,
      'DELETE',
      '/api/v1/namespaces/default/configmaps/gone',
    );
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.text), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name: 'gone', kind: 'configmaps', uid: cm.metadata?.uid },
    });
    await core.createNamespacedPod({
      namespace: 'default',
      body: { metadata: { name: 'gone-pod' }, spec: { containers: [{ name: 'c', image: 'x:1' }] } },
    });
    const pod = await requestRaw(
      cluster.server,
      'DELETE',
      '/api/v1/namespaces/default/pods/gone-pod',
    );
    assert.equal((JSON.parse(pod.text) as { kind: string }).kind, 'Pod');
  });

  it('validates ownerReferences: complete references, at most one controller', async () => {
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'a', uid: '1', controller: true };
    const two = await catchStatus(() =>
      core.createNamespacedConfigMap({
        namespace: 'default',
        body: {
          metadata: { name: 'owned', ownerReferences: [ref, { ...ref, name: 'b', uid: '2' }] },
        },
      }),
    );
    assert.equal(two.code, 422);
    assert.match(two.body.message, /Only one reference can have Controller set to true/);
    const incomplete = await catchStatus(() =>
      core.createNamespacedConfigMap({
        namespace: 'default',
        body: { metadata: { name: 'owned', ownerReferences: [{ ...ref, uid: '' }] } },
      }),
    );
    assert.equal(incomplete.body.details?.causes?.[0]?.field, 'metadata.ownerReferences.uid');
  });

  it('deletes with a uid precondition mismatch as 409 Conflict', async () => {
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'pre' } },
    });
    const { code } = await catchStatus(() =>
      core.deleteNamespacedConfigMap({
        namespace: 'default',
        name: 'pre',
        body: { preconditions: { uid: 'other' } },
      }),
    );
    assert.equal(code, 409);
  });
});
