import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Watch, type V1Pod } from '@kubernetes/client-node';
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

const controllerOf = (pod: V1Pod) =>
  pod.metadata?.ownerReferences?.find((owner) => owner.controller);

/** The first pod of the selector that satisfies the predicate, driven by a watch. */
async function waitForPod(
  t: ActionCluster,
  labelSelector: string,
  predicate: (pod: V1Pod) => boolean,
): Promise<V1Pod> {
  let request: AbortController | undefined;
  try {
    return await new Promise<V1Pod>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no pod of ${labelSelector} matched in 10 s`)),
        10_000,
      );
      void new Watch(t.cluster.kc)
        .watch(
          `/api/v1/namespaces/${namespace}/pods`,
          { labelSelector },
          (type: string, pod: V1Pod) => {
            if (type !== 'DELETED' && predicate(pod)) {
              clearTimeout(timer);
              resolve(pod);
            }
          },
          (error: unknown) => {
            if (error) reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
          },
        )
        .then((controller) => (request = controller), reject);
    });
  } finally {
    request?.abort();
  }
}

describe('kubernetes/quarantine_pod', () => {
  let t: ActionCluster;
  const podsOf = async (selector: string): Promise<V1Pod[]> =>
    (await t.cluster.core.listNamespacedPod({ namespace, labelSelector: selector })).items;
  before(async () => {
    t = await startActionCluster('kubernetes/quarantine_pod');
    for (const app of ['web', 'api']) {
      await t.apps.createNamespacedDeployment({ namespace, body: deploymentOf(app) });
      await t.cluster.core.createNamespacedService({
        namespace,
        body: { metadata: { name: app }, spec: { selector: { app }, ports: [{ port: 80 }] } },
      });
      await waitForObject(t.cluster.kc, DEPLOYMENTS, app, rolledOut);
    }
  });
  after(() => t.close());

  for (const [mode, app] of [
    ['env', 'web'],
    ['stdin', 'api'],
  ] as const) {
    it(`takes a ${app} pod out of its Service and ReplicaSet, which replaces it (${mode})`, async () => {
      const [pod] = await podsOf(`app=${app}`);
      const name = pod?.metadata?.name ?? '';
      const hash = pod?.metadata?.labels?.['pod-template-hash'] ?? '';
      const result = await t.run(mode, { namespace, pod: name });
      assert.equal(result.exitCode, 0, result.stderr);
      assert.deepEqual(result.outputs, {
        pod: name,
        removedLabels: { app, 'pod-template-hash': hash },
        services: [app],
        owner: `ReplicaSet/${app}-${hash}`,
      });
      const quarantined = await t.cluster.core.readNamespacedPod({ name, namespace });
      assert.deepEqual(quarantined.metadata?.labels, { 'kubernaut.ai/quarantined': 'true' });
      assert.deepEqual(
        JSON.parse(quarantined.metadata?.annotations?.['kubernaut.ai/quarantined-labels'] ?? ''),
        { app, 'pod-template-hash': hash },
      );
      assert.equal(quarantined.metadata?.ownerReferences?.length ?? 0, 0);
      assert.equal(quarantined.metadata?.deletionTimestamp, undefined);
      const replacement = await waitForPod(
        t,
        `app=${app}`,
        (candidate) => candidate.metadata?.name !== name,
      );
      assert.equal(controllerOf(replacement)?.name, `${app}-${hash}`);
    });
  }

  it('refuses a quarantined pod and a StatefulSet pod (1), a bad name (2), an unknown pod (1)', async () => {
    const [quarantined] = await podsOf('kubernaut.ai/quarantined=true');
    assertFailed(
      await t.run('env', { namespace, pod: quarantined?.metadata?.name ?? '' }),
      /^Refused: pod default\/.* is quarantined already/,
    );
    const db = await t.apps.createNamespacedStatefulSet({
      namespace,
      body: {
        metadata: { name: 'db' },
        spec: {
          serviceName: 'db',
          selector: { matchLabels: { app: 'db' } },
          template: templateOf('db'),
        },
      },
    });
    await t.cluster.core.createNamespacedPod({
      namespace,
      body: {
        metadata: {
          name: 'db-0',
          labels: { app: 'db' },
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'StatefulSet',
              name: 'db',
              uid: db.metadata?.uid ?? '',
              controller: true,
            },
          ],
        },
        spec: { containers: [{ name: 'db', image: 'registry.local/db:1' }] },
      },
    });
    assertFailed(
      await t.run('stdin', { namespace, pod: 'db-0' }),
      /^Refused: pod default\/db-0 is run by StatefulSet db, which cannot replace it while it keeps its name/,
    );
    assert.deepEqual(
      (await t.cluster.core.readNamespacedPod({ name: 'db-0', namespace })).metadata?.labels,
      { app: 'db' },
    );
    assertBadInput(
      await t.run('env', { namespace, pod: 'DB_0' }),
      /inputs\.pod: "DB_0" does not match/,
    );
    assertFailed(
      await t.run('stdin', { namespace, pod: 'nope' }),
      /^NotFound: pod default\/nope not found/,
    );
  });
});
