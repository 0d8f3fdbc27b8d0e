// NetworkPolicies (networking.k8s.io/v1) and the RBAC kinds (rbac.authorization.k8s.io/v1)
// through @kubernetes/client-node, as a v1.32 server serves them: discovered, namespaced or
// cluster-scoped as in Kubernetes, stored with generation where the real server keeps one.
// The shipped manifests use them (test/integration/manifests/manifests-apply.test.ts).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiException, NetworkingV1Api, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { requestRaw, startTestCluster, type TestCluster } from './start-test-server.ts';

let cluster: TestCluster;
let rbac: RbacAuthorizationV1Api;
let networking: NetworkingV1Api;

before(async () => {
  cluster = await startTestCluster();
  rbac = cluster.kc.makeApiClient(RbacAuthorizationV1Api);
  networking = cluster.kc.makeApiClient(NetworkingV1Api);
});
after(() => cluster.server.close());

describe('RBAC and NetworkPolicy kinds', () => {
  it('are discovered with their scope', async () => {
    const rbacList = JSON.parse(
      (await requestRaw(cluster.server, 'GET', '/apis/rbac.authorization.k8s.io/v1')).text,
    ) as { resources: { name: string; namespaced: boolean; kind: string }[] };
    const scope = Object.fromEntries(rbacList.resources.map((r) => [r.kind, r.namespaced]));
    assert.deepEqual(scope, {
      Role: true,
      RoleBinding: true,
      ClusterRole: false,
      ClusterRoleBinding: false,
    });
    const net = JSON.parse(
      (await requestRaw(cluster.server, 'GET', '/apis/networking.k8s.io/v1')).text,
    ) as { resources: { name: string; namespaced: boolean; shortNames?: string[] }[] };
    assert.deepEqual(
      net.resources.map((r) => [r.name, r.namespaced, r.shortNames]),
      [['networkpolicies', true, ['netpol']]],
    );
  });

  it('store a ClusterRole and its binding, and a namespaced Role', async () => {
    await rbac.createClusterRole({
      body: {
        metadata: { name: 'reader' },
        rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }],
      },
    });
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: 'reader' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'sa', namespace: 'default' }],
      },
    });
    await rbac.createNamespacedRole({
      namespace: 'default',
      body: {
        metadata: { name: 'leases' },
        rules: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get'] }],
      },
    });
    const role = await rbac.readClusterRole({ name: 'reader' });
    assert.deepEqual(role.rules?.[0]?.verbs, ['get', 'list']);
    const binding = await rbac.readClusterRoleBinding({ name: 'reader' });
    assert.equal(binding.roleRef.name, 'reader');
    const roles = await rbac.listNamespacedRole({ namespace: 'default' });
    assert.deepEqual(
      roles.items.map((r) => r.metadata?.name),
      ['leases'],
    );
    // A cluster-scoped kind has no namespaced URL, as in Kubernetes.
    const namespaced = await requestRaw(
      cluster.server,
      'GET',
      '/apis/rbac.authorization.k8s.io/v1/namespaces/default/clusterroles/reader',
    );
    assert.equal(namespaced.status, 404);
  });

  it('store a NetworkPolicy with a generation that moves on spec changes', async () => {
    const created = await networking.createNamespacedNetworkPolicy({
      namespace: 'default',
      body: {
        metadata: { name: 'deny-all' },
        spec: { podSelector: {}, policyTypes: ['Ingress'] },
      },
    });
    assert.equal(created.metadata?.generation, 1);
    const replaced = await networking.replaceNamespacedNetworkPolicy({
      namespace: 'default',
      name: 'deny-all',
      body: { ...created, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } },
    });
    assert.equal(replaced.metadata?.generation, 2);
    await assert.rejects(
      networking.readNamespacedNetworkPolicy({ namespace: 'other', name: 'deny-all' }),
      (error: unknown) => error instanceof ApiException && error.code === 404,
    );
  });
});
