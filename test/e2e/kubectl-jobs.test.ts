/**
 * Real kubectl against the simulated cluster: a Job runs, `kubectl wait` sees it complete,
 * `kubectl logs job/<name>` shows its output, and deleting it takes its pods too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kubectl, kubectlMissing } from '../fixtures/kubectl.ts';
import { waitForDeletion } from '../fixtures/wait-for-object.ts';
import {
  jobOf,
  scriptImage,
  startTestLocalCluster,
  type TestLocalCluster,
} from '../integration/cluster/start-local-cluster.ts';

describe('kubectl with the simulated Job controller', { skip: kubectlMissing() }, () => {
  let cluster: TestLocalCluster;
  let kubeconfig: string;
  before(async () => {
    cluster = await startTestLocalCluster();
    kubeconfig = cluster.kubeconfig;
    const image = scriptImage(cluster.catalog, 'hello', `console.log('hello from the action');`);
    await cluster.batch.createNamespacedJob({ namespace: 'default', body: jobOf('hello', image) });
  });
  after(async () => {
    await cluster.close();
  });

  it('kubectl wait --for=condition=complete sees the Job finish', async () => {
    const { stdout } = await kubectl(kubeconfig, [
      'wait',
      '--for=condition=complete',
      'job/hello',
      '--timeout=20s',
    ]);
    assert.match(stdout, /job.batch\/hello condition met/);
  });

  it('kubectl logs job/<name> prints what the action wrote', async () => {
    const { stdout } = await kubectl(kubeconfig, ['logs', 'job/hello']);
    assert.equal(stdout.trim(), 'hello from the action');
  });

  it('kubectl get pods shows the Job pod Completed', async () => {
    const { stdout } = await kubectl(kubeconfig, [
      'get',
      'pods',
      '-l',
      'job-name=hello',
      '--no-headers',
    ]);
    assert.match(stdout, /hello-\w+\s+0\/1\s+(Completed|Succeeded)/);
  });

  it('kubectl delete job takes its pods with it', async () => {
    const pods = await cluster.core.listNamespacedPod({
      namespace: 'default',
      labelSelector: 'job-name=hello',
    });
    await kubectl(kubeconfig, ['delete', 'job', 'hello']);
    for (const pod of pods.items) {
      await waitForDeletion(
        cluster.kc,
        { apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: pod.metadata?.name ?? '' },
        '/api/v1/namespaces/default/pods',
      );
    }
    const left = await cluster.core.listNamespacedPod({
      namespace: 'default',
      labelSelector: 'job-name=hello',
    });
    assert.deepEqual(left.items, []);
  });
});
