import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api, type V1Deployment } from '@kubernetes/client-node';
import { kubectl, kubectlMissing } from '../../fixtures/kubectl.ts';
import { waitForObject } from '../../fixtures/wait-for-object.ts';
import { startTestLocalCluster, type TestLocalCluster } from './start-local-cluster.ts';

const DEPLOYMENTS = '/apis/apps/v1/namespaces/default/deployments';
const rolledOut = (replicas: number) => (deployment: V1Deployment) =>
  (deployment.status?.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 1) &&
  deployment.status?.updatedReplicas === replicas &&
  deployment.status.availableReplicas === replicas &&
  deployment.status.replicas === replicas;

function deploymentOf(name: string, replicas: number): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: 'registry.local/payment:1.0' }] },
      },
    },
  };
}

const skip = kubectlMissing();

describe('simulated Deployment and ReplicaSet controllers', { skip }, () => {
  let cluster: TestLocalCluster;
  let kubeconfig: string;
  before(async () => {
    cluster = await startTestLocalCluster();
    kubeconfig = cluster.kubeconfig;
  });
  after(async () => {
    await cluster.close();
  });

  it('creates a ReplicaSet and Ready pods that carry the template labels', async () => {
    await cluster.kc
      .makeApiClient(AppsV1Api)
      .createNamespacedDeployment({ namespace: 'default', body: deploymentOf('payment', 3) });
    const deployment = await waitForObject<V1Deployment>(
      cluster.kc,
      DEPLOYMENTS,
      'payment',
      rolledOut(3),
    );
    assert.equal(deployment.metadata?.annotations?.['deployment.kubernetes.io/revision'], '1');
    const pods = (
      await cluster.core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=payment' })
    ).items;
    assert.equal(pods.length, 3);
    for (const pod of pods) {
      assert.equal(pod.status?.phase, 'Running');
      assert.equal(pod.metadata?.ownerReferences?.[0]?.kind, 'ReplicaSet');
    }
    const { stdout } = await kubectl(kubeconfig, [
      'rollout',
      'status',
      'deployment/payment',
      '--timeout=10s',
    ]);
    assert.match(stdout, /successfully rolled out/);
  });

  it('scales through the scale subresource (kubectl scale)', async () => {
    await kubectl(kubeconfig, ['scale', 'deployment/payment', '--replicas=5']);
    await waitForObject<V1Deployment>(cluster.kc, DEPLOYMENTS, 'payment', rolledOut(5));
    await kubectl(kubeconfig, ['scale', 'deployment/payment', '--replicas=2']);
    await waitForObject<V1Deployment>(cluster.kc, DEPLOYMENTS, 'payment', rolledOut(2));
    const pods = (
      await cluster.core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=payment' })
    ).items;
    assert.equal(pods.length, 2);
  });

  it('rolls out a new ReplicaSet on kubectl rollout restart, and back on rollout undo', async () => {
    const before = await cluster.core.listNamespacedPod({
      namespace: 'default',
      labelSelector: 'app=payment',
    });
    await kubectl(kubeconfig, ['rollout', 'restart', 'deployment/payment']);
    const restarted = await waitForObject<V1Deployment>(
      cluster.kc,
      DEPLOYMENTS,
      'payment',
      (deployment) =>
        rolledOut(2)(deployment) &&
        deployment.metadata?.annotations?.['deployment.kubernetes.io/revision'] === '2',
    );
    assert.ok(
      restarted.spec?.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'],
    );
    await kubectl(kubeconfig, ['rollout', 'status', 'deployment/payment', '--timeout=10s']);
    const after = await cluster.core.listNamespacedPod({
      namespace: 'default',
      labelSelector: 'app=payment',
    });
    const oldNames = new Set(before.items.map((pod) => pod.metadata?.name));
    assert.ok(
      after.items.every((pod) => !oldNames.has(pod.metadata?.name)),
      'every pod was replaced',
    );

    await kubectl(kubeconfig, ['rollout', 'undo', 'deployment/payment']);
    const undone = await waitForObject<V1Deployment>(
      cluster.kc,
      DEPLOYMENTS,
      'payment',
      (deployment) =>
        rolledOut(2)(deployment) &&
        deployment.metadata?.annotations?.['deployment.kubernetes.io/revision'] === '3',
    );
    assert.equal(
      undone.spec?.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'],
      undefined,
      'the template of revision 1 is back',
    );
    const { stdout } = await kubectl(kubeconfig, ['rollout', 'history', 'deployment/payment']);
    assert.match(stdout, /2\s/);
    assert.match(stdout, /3\s/);
  });
});
