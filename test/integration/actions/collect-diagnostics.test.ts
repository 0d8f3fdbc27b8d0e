// kubernetes/collect_diagnostics as a real process against the local cluster: describe-like
// summaries, events and recent logs of a Deployment's pods written into the workspace.

import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api, type V1Deployment, type V1Pod } from '@kubernetes/client-node';
import { startTestLocalCluster, type TestLocalCluster } from '../cluster/start-local-cluster.ts';
import {
  assertBadInput,
  assertFailed,
  runActionProcess,
  type InputMode,
} from '../../fixtures/run-action-process.ts';
import { waitForObject } from '../../fixtures/wait-for-object.ts';

const TYPE = 'kubernetes/collect_diagnostics';
const SUMMARY = 'Deployment default/web: 2/2 pods ready, 0 restarts, 1 warning events (BackOff x3)';

describe(TYPE, () => {
  let cluster: TestLocalCluster;
  let workspace: string;
  let pods: V1Pod[];
  const run = (mode: InputMode, inputs: unknown) =>
    runActionProcess(TYPE, {
      server: cluster.server,
      token: 'test-token',
      mode,
      inputs,
      workspace,
    });

  before(async () => {
    cluster = await startTestLocalCluster();
    workspace = await mkdtemp(join(tmpdir(), 'diagnostics-'));
    const labels = { app: 'web' };
    const deployment: V1Deployment = {
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: { containers: [{ name: 'app', image: 'registry.local/web:1' }] },
        },
      },
    };
    await cluster.kc
      .makeApiClient(AppsV1Api)
      .createNamespacedDeployment({ namespace: 'default', body: deployment });
    await waitForObject(
      cluster.kc,
      '/apis/apps/v1/namespaces/default/deployments',
      'web',
      (d: V1Deployment) => d.status?.readyReplicas === 2,
    );
    pods = (
      await cluster.core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' })
    ).items.sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
    const first = pods[0];
    cluster.server.setPodLog(
      'default',
      first?.metadata?.name ?? '',
      'app',
      'boot\nconnecting to db\ndb timeout\n',
    );
    await cluster.core.createNamespacedEvent({
      namespace: 'default',
      body: {
        metadata: { name: 'web-backoff', namespace: 'default' },
        involvedObject: {
          kind: 'Pod',
          namespace: 'default',
          name: first?.metadata?.name ?? '',
          uid: first?.metadata?.uid ?? '',
        },
        type: 'Warning',
        reason: 'BackOff',
        message: 'Back-off restarting failed container app',
        count: 3,
        lastTimestamp: new Date(),
        source: { component: 'kubelet' },
      },
    });
  });

  after(async () => {
    await cluster.close();
    await rm(workspace, { recursive: true, force: true });
  });

  it('writes summaries, events and logs of a Deployment and its pods (inputs from env)', async () => {
    const result = await run('env', { namespace: 'default', name: 'web', tailLines: 2 });
    assert.equal(result.exitCode, 0, result.stderr);
    const first = pods[0]?.metadata?.name ?? '';
    const second = pods[1]?.metadata?.name ?? '';
    const dir = '/workspace/diagnostics/deployment-web';
    assert.equal(result.outputs?.['directory'], dir);
    assert.equal(result.outputs?.['summary'], SUMMARY);
    assert.equal(result.outputs?.['pods'], 2);
    assert.equal(result.outputs?.['readyPods'], 2);
    assert.equal(result.outputs?.['warningEvents'], 1);
    assert.deepEqual(
      [...((result.outputs?.['files'] as string[] | undefined) ?? [])].sort(),
      [
        'describe.txt',
        'events.txt',
        `logs/${first}/app.log`,
        `logs/${second}/app.log`,
        `pods/${first}.txt`,
        `pods/${second}.txt`,
        'summary.txt',
        'target.yaml',
      ]
        .map((f) => `${dir}/${f}`)
        .sort(),
    );
    const host = join(workspace, 'diagnostics/deployment-web');
    const read = (file: string) => readFile(join(host, file), 'utf8');
    assert.match(
      await read('describe.txt'),
      /Name:\s+web\n[\s\S]*Replicas:\s+2 desired \| 2 updated \| 2 ready/,
    );
    assert.match(await read('target.yaml'), /kind: Deployment\n/);
    assert.match(
      await read('events.txt'),
      new RegExp(
        `Warning BackOff\\s+pod/${first}  \\(x3\\)  Back-off restarting failed container app`,
      ),
    );
    assert.match(await read(`pods/${first}.txt`), /Status:\s+Running\n[\s\S]*Ready:\s+true/);
    // The last two lines only (tailLines).
    assert.equal(await read(`logs/${first}/app.log`), 'connecting to db\ndb timeout\n');
    assert.equal(await read('summary.txt'), `${SUMMARY}\n`);
  });

  it('collects one pod (inputs from stdin)', async () => {
    const name = pods[1]?.metadata?.name ?? '';
    const result = await run('stdin', {
      namespace: 'default',
      kind: 'Pod',
      name,
      directory: 'diag',
    });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.outputs?.['directory'], `/workspace/diag/pod-${name}`);
    assert.equal(result.outputs?.['pods'], 1);
    const describe = await readFile(join(workspace, `diag/pod-${name}/describe.txt`), 'utf8');
    assert.match(describe, new RegExp(`Name:\\s+${name}\\n[\\s\\S]*Node:\\s+local-node-\\d`));
  });

  it('exits 2 on bad inputs, 1 on an unknown target, and writes nothing', async () => {
    const before = await readdir(workspace);
    assertBadInput(await run('env', { namespace: 'default' }), /inputs\.name: required/);
    assertBadInput(
      await run('stdin', { namespace: 'default', name: 'web', kind: 'CronJob' }),
      /inputs\.kind/,
    );
    assertBadInput(
      await run('env', { namespace: 'default', name: 'web', tailLines: 0 }),
      /inputs\.tailLines: must be between 1 and 10000/,
    );
    assertFailed(
      await run('stdin', { namespace: 'default', name: 'missing' }),
      /^NotFound: deployment default\/missing not found/,
    );
    assert.deepEqual(await readdir(workspace), before);
  });
});
