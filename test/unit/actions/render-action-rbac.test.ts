import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionContractSchema } from '../../../src/api/action-contract.ts';
import {
  actionServiceAccountName,
  buildActionRbac,
} from '../../../src/actions/rbac/render-action-rbac.ts';

const contract = (name: string, permissions: unknown[]) =>
  actionContractSchema.parse({
    apiVersion: 'kubernaut.ai/v1alpha1',
    kind: 'ActionContract',
    metadata: { name, version: '1.0.0' },
    spec: { permissions },
  });

describe('buildActionRbac', () => {
  it('binds a ClusterRole with exactly the contract rules to the action ServiceAccount', () => {
    const rules = [
      { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'patch'] },
      { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
    ];
    const [serviceAccount, role, binding] = buildActionRbac(
      contract('kubernetes/drain_node', rules),
    ) as {
      kind: string;
      metadata: { name: string; namespace?: string };
      rules?: unknown;
      automountServiceAccountToken?: boolean;
      roleRef?: { name: string };
      subjects?: { name: string; namespace: string }[];
    }[];
    const name = 'kubernaut-action-kubernetes-drain-node';
    assert.equal(actionServiceAccountName('kubernetes/drain_node'), name);
    assert.deepEqual(
      [serviceAccount?.kind, role?.kind, binding?.kind],
      ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding'],
    );
    assert.equal(serviceAccount?.automountServiceAccountToken, true);
    assert.deepEqual(role?.rules, rules);
    assert.equal(binding?.roleRef?.name, name);
    assert.deepEqual(binding?.subjects, [
      { kind: 'ServiceAccount', name, namespace: 'kubernaut-system' },
    ]);
  });

  it('gives an action without permissions a ServiceAccount with no token and no role', () => {
    const documents = buildActionRbac(contract('notify/slack', [])) as {
      kind: string;
      automountServiceAccountToken?: boolean;
    }[];
    assert.deepEqual(
      documents.map((document) => document.kind),
      ['ServiceAccount'],
    );
    assert.equal(documents[0]?.automountServiceAccountToken, false);
  });
});
