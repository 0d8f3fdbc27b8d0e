import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { V1Deployment } from '@kubernetes/client-node';
import {
  deploymentOf,
  DEPLOYMENTS,
  rolledOut,
  startActionCluster,
  type ActionCluster,
} from '../../fixtures/action-cluster.ts';
import { assertBadInput, assertFailed } from '../../fixtures/run-action-process.ts';
import { waitForObject } from '../../fixtures/wait-for-object.ts';
import { jsonPatch } from '../../../src/kube/patch-options.ts';

const namespace = 'default';
const REVISION = 'deployment.kubernetes.io/revision';

describe('kubernetes/rollback_deployment', () => {
  let t: ActionCluster;
  const atRevision = (revision: string) =>
    waitForObject<V1Deployment>(
      t.cluster.kc,
      DEPLOYMENTS,
      'web',
      (d) => rolledOut(d) && d.metadata?.annotations?.[REVISION] === revision,
    );
  const imageOf = (deployment: V1Deployment) =>
    deployment.spec?.template.spec?.containers[0]?.image;

  before(async () => {
    t = await startActionCluster('kubernetes/rollback_deployment');
    await t.apps.createNamespacedDeployment({ namespace, body: deploymentOf('web') });
    await atRevision('1');
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
    await atRevision('2');
  });
  after(() => t.close());

  it('rolls back to the previous revision (env): the old template, which becomes revision 3', async () => {
    const result = await t.run('env', { namespace, deployment: 'web' });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(result.outputs, { fromRevision: 2, toRevision: 1 });
    const deployment = await atRevision('3');
    assert.equal(imageOf(deployment), 'registry.local/web:1.0');
    assert.equal(deployment.spec?.template.metadata?.labels?.['pod-template-hash'], undefined);
  });

  it('rolls back to a given revision (stdin)', async () => {
    const result = await t.run('stdin', { namespace, deployment: 'web', revision: 2 });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(result.outputs, { fromRevision: 3, toRevision: 2 });
    assert.equal(imageOf(await atRevision('4')), 'registry.local/web:2.0');
  });

  it('exits 1 on a revision not in the history or the current one, 2 on a negative one, changing nothing', async () => {
    const before = await t.apps.readNamespacedDeployment({ name: 'web', namespace });
    assertFailed(
      await t.run('env', { namespace, deployment: 'web', revision: 9 }),
      /^NotFound: revision 9 of deployment "web" not found \(revisions: 4, 3\)/,
    );
    assertFailed(
      await t.run('stdin', { namespace, deployment: 'web', revision: 4 }),
      /^Refused: revision 4 is already the current one/,
    );
    assertBadInput(
      await t.run('env', { namespace, deployment: 'web', revision: -1 }),
      /inputs\.revision: must be 0 \(previous\) or a revision/,
    );
    assertFailed(
      await t.run('stdin', { namespace, deployment: 'nope' }),
      /^NotFound: deployment default\/nope not found/,
    );
    const after = await t.apps.readNamespacedDeployment({ name: 'web', namespace });
    assert.equal(after.metadata?.resourceVersion, before.metadata?.resourceVersion);
  });
});
