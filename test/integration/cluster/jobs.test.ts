import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { waitForDeletion, waitForObject } from '../../fixtures/wait-for-object.ts';
import {
  jobOf,
  scriptImage,
  startTestLocalCluster,
  waitForJob,
  type TestLocalCluster,
} from './start-local-cluster.ts';

const podsOf = async (cluster: TestLocalCluster, job: string): Promise<V1Pod[]> =>
  (await cluster.core.listNamespacedPod({ namespace: 'default', labelSelector: `job-name=${job}` }))
    .items;

describe('simulated Job controller and kubelet', () => {
  let cluster: TestLocalCluster;
  before(async () => {
    cluster = await startTestLocalCluster();
  });
  after(async () => {
    await cluster.close();
  });

  it('runs a Job pod as a host process: env in, log and termination message out, Complete', async () => {
    const image = scriptImage(
      cluster.catalog,
      'echo',
      `
      const fs = require('node:fs');
      const inputs = JSON.parse(process.env.ACTION_INPUTS);
      console.error('working on', inputs.deployment);
      console.log(JSON.stringify({ replicas: inputs.replicas * 2 }));
      fs.writeFileSync(process.env.KUBERNAUT_ROOT + '/dev/termination-log', JSON.stringify({ replicas: inputs.replicas * 2 }));
    `,
    );
    await cluster.batch.createNamespacedJob({
      namespace: 'default',
      body: jobOf('echo', image, {
        env: [{ name: 'ACTION_INPUTS', value: '{"deployment":"pay","replicas":3}' }],
      }),
    });
    const job = await waitForJob(cluster, 'echo', 'Complete');
    assert.equal(job.status?.succeeded, 1);
    assert.equal(job.status?.failed, 0);
    const [pod] = await podsOf(cluster, 'echo');
    assert.equal(pod?.status?.phase, 'Succeeded');
    assert.ok(pod?.spec?.nodeName?.startsWith('local-node-'), 'the scheduler bound the pod');
    const terminated = pod?.status?.containerStatuses?.[0]?.state?.terminated;
    assert.equal(terminated?.exitCode, 0);
    assert.equal(terminated?.reason, 'Completed');
    assert.equal(terminated?.message, '{"replicas":6}');
    const log = await cluster.core.readNamespacedPodLog({
      name: pod?.metadata?.name ?? '',
      namespace: 'default',
    });
    assert.match(log, /working on pay/);
    assert.match(log, /\{"replicas":6\}/);
  });

  it('fails a Job whose pod exits non-zero, after backoffLimit retries, with the exit code', async () => {
    const image = scriptImage(cluster.catalog, 'fail', `console.error('boom'); process.exit(3);`);
    await cluster.batch.createNamespacedJob({
      namespace: 'default',
      body: jobOf('fail', image, { backoffLimit: 1 }),
    });
    const job = await waitForJob(cluster, 'fail', 'Failed');
    const failed = job.status?.conditions?.find((condition) => condition.type === 'Failed');
    assert.equal(failed?.reason, 'BackoffLimitExceeded');
    assert.equal(job.status?.failed, 2, 'one try plus one retry');
    const pods = await podsOf(cluster, 'fail');
    assert.equal(pods.length, 2);
    for (const pod of pods) {
      const terminated = pod.status?.containerStatuses?.[0]?.state?.terminated;
      assert.equal(terminated?.exitCode, 3);
      assert.equal(terminated?.reason, 'Error');
      assert.match(terminated?.message ?? '', /boom/, 'FallbackToLogsOnError uses the log tail');
    }
  });

  it('kills a Job past activeDeadlineSeconds and fails it with DeadlineExceeded', async () => {
    const image = scriptImage(cluster.catalog, 'sleeper', `setTimeout(() => {}, 60_000);`);
    await cluster.batch.createNamespacedJob({
      namespace: 'default',
      body: jobOf('sleeper', image, { activeDeadlineSeconds: 1 }),
    });
    const job = await waitForJob(cluster, 'sleeper', 'Failed');
    assert.equal(
      job.status?.conditions?.find((condition) => condition.type === 'Failed')?.reason,
      'DeadlineExceeded',
    );
    assert.equal(job.status?.active, 0);
  });

  it('leaves a pod with an unknown image in ImagePullBackOff', async () => {
    await cluster.batch.createNamespacedJob({
      namespace: 'default',
      body: jobOf('unknown', `registry.local/nope@sha256:${'9'.repeat(64)}`),
    });
    const pod = await waitForObject<V1Pod>(
      cluster.kc,
      '/api/v1/namespaces/default/pods',
      await waitForPodName(cluster, 'unknown'),
      (candidate) =>
        candidate.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff',
    );
    assert.equal(pod.status?.phase, 'Pending');
    assert.match(
      pod.status?.containerStatuses?.[0]?.state?.waiting?.message ?? '',
      /Back-off pulling image/,
    );
  });

  it('shares a PersistentVolumeClaim directory between the pods of two Jobs', async () => {
    await cluster.core.createNamespacedPersistentVolumeClaim({
      namespace: 'default',
      body: {
        metadata: { name: 'shared' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
    });
    const writer = scriptImage(
      cluster.catalog,
      'writer',
      `require('node:fs').writeFileSync(process.env.KUBERNAUT_ROOT + '/workspace/note.txt', 'from step 1');`,
    );
    const reader = scriptImage(
      cluster.catalog,
      'reader',
      `console.log(require('node:fs').readFileSync(process.env.KUBERNAUT_ROOT + '/workspace/note.txt', 'utf8'));`,
    );
    await cluster.batch.createNamespacedJob({
      namespace: 'default',
      body: jobOf('writer', writer, { claim: 'shared' }),
    });
    await waitForJob(cluster, 'writer', 'Complete');
    await cluster.batch.createNamespacedJob({
      namespace: 'default',
      body: jobOf('reader', reader, { claim: 'shared' }),
    });
    await waitForJob(cluster, 'reader', 'Complete');
    const [pod] = await podsOf(cluster, 'reader');
    const log = await cluster.core.readNamespacedPodLog({
      name: pod?.metadata?.name ?? '',
      namespace: 'default',
    });
    assert.equal(log.trim(), 'from step 1');
  });

  it('deletes a finished Job and its pods after ttlSecondsAfterFinished', async () => {
    const image = scriptImage(cluster.catalog, 'quick', `process.exit(0);`);
    await cluster.batch.createNamespacedJob({
      namespace: 'default',
      body: jobOf('ttl', image, { ttlSecondsAfterFinished: 1 }),
    });
    await waitForJob(cluster, 'ttl', 'Complete');
    const [pod] = await podsOf(cluster, 'ttl');
    assert.ok(pod, 'the pod outlives the Job until the TTL runs out');
    const namespace = 'default';
    await waitForDeletion(
      cluster.kc,
      { apiVersion: 'batch/v1', kind: 'Job', namespace, name: 'ttl' },
      '/apis/batch/v1/namespaces/default/jobs',
    );
    const podName = pod?.metadata?.name ?? '';
    await waitForDeletion(
      cluster.kc,
      { apiVersion: 'v1', kind: 'Pod', namespace, name: podName },
      '/api/v1/namespaces/default/pods',
    );
    assert.deepEqual(await podsOf(cluster, 'ttl'), [], 'the garbage collector removed the pods');
  });
});

async function waitForPodName(cluster: TestLocalCluster, job: string): Promise<string> {
  for (;;) {
    const [pod] = await podsOf(cluster, job);
    if (pod?.metadata?.name) return pod.metadata.name;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
