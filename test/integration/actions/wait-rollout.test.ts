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
import { jsonPatch } from '../../../src/kube/patch-options.ts';

const namespace = 'default';

describe('kubernetes/wait_rollout', () => {
  let t: ActionCluster;
  before(async () => {
    t = await startActionCluster('kubernetes/wait_rollout');
    await t.apps.createNamespacedDeployment({ namespace, body: deploymentOf('web', 2) });
    await t.apps.createNamespacedStatefulSet({
      namespace,
      body: {
        metadata: { name: 'db' },
        spec: {
          replicas: 1,
          serviceName: 'db',
          selector: { matchLabels: { app: 'db' } },
          template: templateOf('db'),
        },
      },
    });
    await t.apps.createNamespacedDaemonSet({
      namespace,
      body: {
        metadata: { name: 'agent' },
        spec: {
          updateStrategy: { type: 'OnDelete' },
          selector: { matchLabels: { app: 'agent' } },
          template: templateOf('agent'),
        },
      },
    });
  });
  after(() => t.close());

  it('waits for a Deployment rollout started just before (env), as kubectl rollout status', async () => {
    const result = await t.run('env', { namespace, name: 'web' });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(result.outputs, {
      kind: 'Deployment',
      name: 'web',
      message: 'deployment "web" successfully rolled out',
    });
    const deployment = await t.apps.readNamespacedDeployment({ name: 'web', namespace });
    assert.ok(rolledOut(deployment), JSON.stringify(deployment.status));
  });

  it('follows a changed template to completion (stdin)', async () => {
    await t.apps.patchNamespacedDeployment(
      {
        name: 'web',
        namespace,
        body: [
          {
            op: 'replace',
            path: '/spec/template/spec/containers/0/image',
            value: 'registry.local/web:2.0',
          },
        ],
      },
      jsonPatch,
    );
    const result = await t.run('stdin', {
      namespace,
      kind: 'Deployment',
      name: 'web',
      timeoutSeconds: 60,
    });
    assert.equal(result.exitCode, 0, result.stderr);
    const deployment = await waitForObject<V1Deployment>(
      t.cluster.kc,
      DEPLOYMENTS,
      'web',
      () => true,
    );
    assert.equal(deployment.status?.updatedReplicas, 2);
    assert.equal(deployment.metadata?.annotations?.['deployment.kubernetes.io/revision'], '2');
  });

  it('times out on a StatefulSet nobody rolls out, then succeeds once its status says so', async () => {
    const waiting = await t.run('env', {
      namespace,
      kind: 'StatefulSet',
      name: 'db',
      timeoutSeconds: 1,
    });
    assertFailed(
      waiting,
      /^Timeout: statefulset default\/db: Waiting for statefulset spec update to be observed\.\.\. \(gave up after 1s\)/,
    );
    await t.apps.replaceNamespacedStatefulSetStatus({
      name: 'db',
      namespace,
      body: {
        metadata: { name: 'db', namespace },
        status: {
          observedGeneration: 1,
          replicas: 1,
          readyReplicas: 1,
          currentReplicas: 1,
          updatedReplicas: 1,
          currentRevision: 'db-1',
          updateRevision: 'db-1',
        },
      },
    });
    const done = await t.run('stdin', {
      namespace,
      kind: 'StatefulSet',
      name: 'db',
      timeoutSeconds: 5,
    });
    assert.equal(done.exitCode, 0, done.stderr);
    assert.equal(
      done.outputs?.message,
      'statefulset rolling update complete 1 pods at revision db-1...',
    );
  });

  it('fails at once where kubectl refuses (OnDelete), 2 on a bad timeout, 1 on an unknown workload', async () => {
    assertFailed(
      await t.run('env', { namespace, kind: 'DaemonSet', name: 'agent' }),
      /^Failed: daemonset default\/agent: rollout status is only available for RollingUpdate strategy type/,
    );
    assertBadInput(
      await t.run('stdin', { namespace, name: 'web', timeoutSeconds: '5m' }),
      /inputs\.timeoutSeconds: must be an integer, got string "5m"/,
    );
    assertFailed(
      await t.run('env', { namespace, name: 'nope' }),
      /^NotFound: deployment default\/nope not found/,
    );
  });
});
