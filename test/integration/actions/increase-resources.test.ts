import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { V1Deployment } from '@kubernetes/client-node';
import {
  deploymentOf,
  DEPLOYMENTS,
  rolledOut,
  startActionCluster,
  templateOf,
  type ActionCluster,
} from '../../fixtures/action-cluster.ts';
import { assertBadInput, assertFailed } from '../../fixtures/run-action-process.ts';
import { waitForObject } from '../../fixtures/wait-for-object.ts';

const namespace = 'default';
const containers = [
  {
    name: 'app',
    resources: {
      requests: { memory: '256Mi', cpu: '100m' },
      limits: { memory: '512Mi', cpu: '500m' },
    },
  },
  { name: 'sidecar', resources: { limits: { memory: '64Mi' } } },
];

describe('kubernetes/increase_resources', () => {
  let t: ActionCluster;
  // Plain JSON: client-node hands back instances of its model classes.
  const resourcesOf = async (container: string): Promise<{ limits?: unknown } | null> => {
    const deployment = await t.apps.readNamespacedDeployment({ name: 'web', namespace });
    const found = deployment.spec?.template.spec?.containers.find((c) => c.name === container);
    return JSON.parse(JSON.stringify(found?.resources ?? null)) as { limits?: unknown } | null;
  };
  before(async () => {
    t = await startActionCluster('kubernetes/increase_resources');
    await t.apps.createNamespacedDeployment({
      namespace,
      body: deploymentOf('web', 1, templateOf('web', containers)),
    });
    await waitForObject(t.cluster.kc, DEPLOYMENTS, 'web', rolledOut);
  });
  after(() => t.close());

  it('raises memory limit and request by a factor for the owner of an OOMKilled pod (env), and the workload rolls out', async () => {
    const pods = await t.cluster.core.listNamespacedPod({ namespace, labelSelector: 'app=web' });
    const pod = pods.items[0]?.metadata?.name ?? '';
    const result = await t.run('env', {
      namespace,
      pod,
      container: 'app',
      factor: 1.5,
      ceiling: '2Gi',
    });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(result.outputs, {
      kind: 'Deployment',
      name: 'web',
      container: 'app',
      previousLimit: '512Mi',
      limit: '768Mi',
      previousRequest: '256Mi',
      request: '384Mi',
      capped: false,
    });
    assert.deepEqual(await resourcesOf('app'), {
      requests: { memory: '384Mi', cpu: '100m' },
      limits: { memory: '768Mi', cpu: '500m' },
    });
    assert.deepEqual(await resourcesOf('sidecar'), containers[1]?.resources);
    const rolled = await waitForObject<V1Deployment>(
      t.cluster.kc,
      DEPLOYMENTS,
      'web',
      (d) => rolledOut(d) && d.metadata?.annotations?.['deployment.kubernetes.io/revision'] === '2',
    );
    assert.ok(rolled);
  });

  it('stops at the ceiling (stdin): cpu to a value above it is capped', async () => {
    const result = await t.run('stdin', {
      namespace,
      name: 'web',
      container: 'app',
      resource: 'cpu',
      value: '4',
      ceiling: '1',
    });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.outputs?.limit, '1');
    assert.equal(result.outputs?.request, '200m');
    assert.equal(result.outputs?.capped, true);
    assert.deepEqual(((await resourcesOf('app')) as { limits?: unknown }).limits, {
      memory: '768Mi',
      cpu: '1',
    });
  });

  it('refuses when already at the ceiling (1), a missing ceiling or an ambiguous container (2), an unknown workload (1)', async () => {
    const before = await resourcesOf('app');
    assertFailed(
      await t.run('env', {
        namespace,
        name: 'web',
        container: 'app',
        resource: 'cpu',
        ceiling: '1',
      }),
      /^Refused: cpu is 1 already; the ceiling 1 leaves no room/,
    );
    assertBadInput(
      await t.run('stdin', { namespace, name: 'web', container: 'app' }),
      /inputs\.ceiling: required/,
    );
    assertBadInput(
      await t.run('env', { namespace, name: 'web', ceiling: '1Gi' }),
      /inputs\.container: required: the pod template has several containers \(app, sidecar\)/,
    );
    assertFailed(
      await t.run('stdin', { namespace, name: 'nope', ceiling: '1Gi' }),
      /^NotFound: deployment default\/nope not found/,
    );
    assert.deepEqual(await resourcesOf('app'), before);
  });
});
