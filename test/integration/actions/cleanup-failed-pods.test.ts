import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { startActionCluster, type ActionCluster } from '../../fixtures/action-cluster.ts';
import { assertBadInput } from '../../fixtures/run-action-process.ts';
import { waitForObject } from '../../fixtures/wait-for-object.ts';
import { scriptImage } from '../cluster/start-local-cluster.ts';

const namespace = 'default';
const PODS = `/api/v1/namespaces/${namespace}/pods`;

describe('kubernetes/cleanup_failed_pods', () => {
  let t: ActionCluster;
  const names = async (selector: string) =>
    (await t.cluster.core.listNamespacedPod({ namespace, labelSelector: selector })).items
      .map((pod) => pod.metadata?.name)
      .sort();
  before(async () => {
    t = await startActionCluster('kubernetes/cleanup_failed_pods');
    const failing = scriptImage(t.cluster.catalog, 'fails', 'process.exit(1)');
    const pods: [string, Record<string, string>, string][] = [
      ['backup-a', { 'job-name': 'backup' }, failing],
      ['backup-b', { 'job-name': 'backup' }, failing],
      ['report-a', { 'job-name': 'report' }, failing],
    ];
    for (const [name, labels, image] of pods) {
      await t.cluster.core.createNamespacedPod({
        namespace,
        body: {
          metadata: { name, labels },
          spec: { restartPolicy: 'Never', containers: [{ name: 'job', image }] },
        },
      });
    }
    // A running pod of the same Job is not failed and stays.
    await t.cluster.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'backup-live', labels: { 'job-name': 'backup' } },
        spec: { containers: [{ name: 'job', image: 'registry.local/backup:1' }] },
      },
    });
    for (const [name] of pods)
      await waitForObject<V1Pod>(t.cluster.kc, PODS, name, (pod) => pod.status?.phase === 'Failed');
  });
  after(() => t.close());

  it('lists what it would delete with dryRun, deleting nothing (stdin)', async () => {
    const result = await t.run('stdin', {
      namespace,
      labelSelector: 'job-name=backup',
      dryRun: true,
    });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(
      {
        ...result.outputs,
        pods: [...((result.outputs?.pods as string[] | undefined) ?? [])].sort(),
      },
      { deleted: 2, pods: ['backup-a', 'backup-b'], remaining: 0 },
    );
    assert.deepEqual(await names('job-name=backup'), ['backup-a', 'backup-b', 'backup-live']);
  });

  it('keeps pods that failed recently, then deletes the failed pods of one Job (env)', async () => {
    const recent = await t.run('stdin', {
      namespace,
      labelSelector: 'job-name=backup',
      minAgeSeconds: 3600,
    });
    assert.equal(recent.exitCode, 0, recent.stderr);
    assert.equal(recent.outputs?.deleted, 0);
    const result = await t.run('env', { namespace, labelSelector: 'job-name=backup', limit: 1 });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.outputs?.deleted, 1);
    assert.equal(result.outputs?.remaining, 1);
    const rest = await t.run('env', { namespace, labelSelector: 'job-name=backup' });
    assert.equal(rest.outputs?.deleted, 1);
    assert.deepEqual(await names('job-name=backup'), ['backup-live']);
    assert.deepEqual(await names('job-name=report'), ['report-a']);
  });

  it('exits 2 on a bad limit or selector, 1 on a namespace that does not exist', async () => {
    assertBadInput(
      await t.run('stdin', { namespace, limit: 0 }),
      /inputs\.limit: must be 1 or more/,
    );
    assertBadInput(
      await t.run('env', { namespace, labelSelector: 'a;rm -rf /' }),
      /inputs\.labelSelector: .* does not match the pattern/,
    );
    const missing = await t.run('stdin', { namespace: 'nope' });
    // Listing in a namespace that does not exist gives an empty list, as on a real cluster.
    assert.equal(missing.exitCode, 0, missing.stderr);
    assert.equal(missing.outputs?.deleted, 0);
    assert.deepEqual(await names('job-name=report'), ['report-a']);
  });
});
