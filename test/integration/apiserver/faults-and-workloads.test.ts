import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import {
  ApiException,
  BatchV1Api,
  CoordinationV1Api,
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  Watch,
} from '@kubernetes/client-node';
import { requestRaw, startTestCluster, type TestCluster } from './start-test-server.ts';

async function codeOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 200;
  } catch (err) {
    assert.ok(err instanceof ApiException);
    return err.code;
  }
}

describe('fault injection', () => {
  let cluster: TestCluster;
  let core: CoreV1Api;

  before(async () => {
    cluster = await startTestCluster({ faults: { seed: 7 } });
    core = cluster.kc.makeApiClient(CoreV1Api);
  });
  after(() => cluster.server.close());

  it('fails a seeded share of one verb on one resource, with the Status reason', async () => {
    cluster.server.faults.configure({
      seed: 42,
      errors: [{ verb: 'create', resource: 'configmaps', code: 503, rate: 0.5 }],
    });
    const codes: number[] = [];
    for (let i = 0; i < 40; i++) {
      codes.push(
        await codeOf(
          core.createNamespacedConfigMap({
            namespace: 'default',
            body: { metadata: { name: `f-${i}` } },
          }),
        ),
      );
    }
    const failed = codes.filter((c) => c === 503).length;
    assert.ok(failed > 8 && failed < 32, `about half should fail, got ${failed}`);
    // apiserver_request_total counts what was answered, failures included.
    const { requests } = cluster.server;
    assert.equal(requests.total({ verb: 'create', resource: 'configmaps', code: 503 }), failed);
    assert.equal(
      requests.total({ verb: 'create', resource: 'configmaps', code: 201 }),
      40 - failed,
    );
    const metrics = await requestRaw(cluster.server, 'GET', '/metrics');
    assert.equal(metrics.status, 200);
    assert.match(
      metrics.text,
      new RegExp(
        `apiserver_request_total\\{code="201",resource="configmaps",verb="CREATE"\\} ${String(40 - failed)}\n`,
      ),
    );
    assert.equal(
      (await requestRaw(cluster.server, 'GET', '/metrics', { token: null })).status,
      401,
    );
    assert.equal(
      await codeOf(core.listNamespacedConfigMap({ namespace: 'default' })),
      200,
      'other verbs are untouched',
    );
    // The same seed gives the same sequence.
    cluster.server.faults.configure({ seed: 42 });
    const again: number[] = [];
    for (let i = 0; i < 40; i++) {
      again.push(
        await codeOf(
          core.createNamespacedConfigMap({
            namespace: 'default',
            body: { metadata: { name: `g-${i}` } },
          }),
        ),
      );
    }
    assert.deepEqual(again, codes);
    cluster.server.faults.reset();
  });

  it('answers 429 with Retry-After and 409 Conflict as the real server does', async () => {
    cluster.server.faults.configure({ errors: [{ resource: 'leases', code: 429, rate: 1 }] });
    const res = await requestRaw(
      cluster.server,
      'GET',
      '/apis/coordination.k8s.io/v1/namespaces/default/leases',
    );
    assert.equal(res.status, 429);
    assert.equal(res.headers['retry-after'], '1');
    assert.equal((JSON.parse(res.text) as { reason: string }).reason, 'TooManyRequests');
    cluster.server.faults.configure({ errors: [{ verb: 'update', code: 409, rate: 1 }] });
    const leases = cluster.kc.makeApiClient(CoordinationV1Api);
    const lease = await leases.createNamespacedLease({
      namespace: 'default',
      body: { metadata: { name: 'l' }, spec: { holderIdentity: 'a' } },
    });
    assert.equal(
      await codeOf(leases.replaceNamespacedLease({ namespace: 'default', name: 'l', body: lease })),
      409,
    );
    cluster.server.faults.reset();
  });

  it('adds latency and pauses the whole server until resumed', async () => {
    cluster.server.faults.configure({ latencyMs: 60 });
    const start = performance.now();
    await core.readNamespace({ name: 'default' });
    assert.ok(performance.now() - start >= 55);
    cluster.server.faults.configure({ latencyMs: 0 });
    cluster.server.faults.pause();
    let answered = false;
    const pending = core.readNamespace({ name: 'default' }).then(() => (answered = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(answered, false, 'no answer while paused');
    cluster.server.faults.resume();
    await pending;
    assert.equal(answered, true);
  });

  it('cuts watch streams after the configured time', async () => {
    cluster.server.faults.configure({ watchCutSeconds: 0.1 });
    const start = performance.now();
    await new Promise<void>((resolve, reject) => {
      new Watch(cluster.kc)
        .watch(
          '/api/v1/namespaces',
          {},
          () => undefined,
          () => resolve(),
        )
        .catch(reject);
    });
    const elapsed = performance.now() - start;
    assert.ok(elapsed >= 90 && elapsed < 2000, `cut after ${elapsed} ms`);
    cluster.server.faults.reset();
  });
});

describe('workload kinds', () => {
  let cluster: TestCluster;
  let core: CoreV1Api;
  let batch: BatchV1Api;

  before(async () => {
    cluster = await startTestCluster();
    core = cluster.kc.makeApiClient(CoreV1Api);
    batch = cluster.kc.makeApiClient(BatchV1Api);
  });
  after(() => cluster.server.close());

  it('generates the Job selector and pod labels from its uid, and validates restartPolicy', async () => {
    const job = await batch.createNamespacedJob({
      namespace: 'default',
      body: {
        metadata: { name: 'j1' },
        spec: {
          template: {
            spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1' }] },
          },
        },
      },
    });
    const uid = job.metadata?.uid ?? '';
    assert.deepEqual(job.spec?.selector?.matchLabels, {
      'batch.kubernetes.io/controller-uid': uid,
    });
    assert.equal(job.spec?.template.metadata?.labels?.['job-name'], 'j1');
    assert.equal(job.spec?.backoffLimit, 6);
    const bad = await requestRaw(cluster.server, 'POST', '/apis/batch/v1/namespaces/default/jobs', {
      body: JSON.stringify({
        metadata: { name: 'j2' },
        spec: { template: { spec: { containers: [{ name: 'c', image: 'b' }] } } },
      }),
    });
    assert.equal(bad.status, 422);
    assert.match(bad.text, /spec.template.spec.restartPolicy/);
  });

  it('forbids changing a pod spec except images; sets Pending status on create', async () => {
    const pod = await core.createNamespacedPod({
      namespace: 'default',
      body: { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox:1' }] } },
    });
    assert.equal(pod.status?.phase, 'Pending');
    const changed = {
      ...pod,
      spec: { ...pod.spec, containers: [{ name: 'c', image: 'busybox:1', args: ['x'] }] },
    };
    assert.equal(
      await codeOf(core.replaceNamespacedPod({ namespace: 'default', name: 'p', body: changed })),
      422,
    );
  });

  it('serves pods/log as a kubelet would: 400 before start, tail, follow until terminated', async () => {
    const logOf = (query = ''): Promise<{ status: number; text: string }> =>
      requestRaw(cluster.server, 'GET', `/api/v1/namespaces/default/pods/p/log${query}`);
    const unbound = await logOf();
    assert.equal(unbound.status, 400);
    assert.match(unbound.text, /pod p does not have a host assigned/);
    await core.createNamespacedPodBinding({
      namespace: 'default',
      name: 'p',
      body: { metadata: { name: 'p' }, target: { kind: 'Node', name: 'node-1' } },
    });
    assert.equal(
      (await core.readNamespacedPod({ namespace: 'default', name: 'p' })).spec?.nodeName,
      'node-1',
    );
    assert.match(
      (await logOf()).text,
      /container \\"c\\" in pod \\"p\\" is waiting to start: ContainerCreating/,
    );
    await core.patchNamespacedPodStatus(
      {
        namespace: 'default',
        name: 'p',
        body: {
          status: {
            phase: 'Running',
            containerStatuses: [
              {
                name: 'c',
                ready: true,
                restartCount: 0,
                image: 'busybox:1',
                imageID: '',
                state: { running: {} },
              },
            ],
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    cluster.server.setPodLog('default', 'p', 'c', 'one\ntwo\nthree\n');
    assert.equal(
      await core.readNamespacedPodLog({ namespace: 'default', name: 'p', tailLines: 2 }),
      'two\nthree\n',
    );

    let streamed = '';
    const followed = new Promise<string>((resolve, reject) => {
      const req = request(
        `${cluster.server.url}/api/v1/namespaces/default/pods/p/log?follow=true`,
        { headers: { authorization: `Bearer ${cluster.server.token}` }, ca: cluster.server.caData },
        (res) => {
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            streamed += chunk;
            if (streamed === 'one\ntwo\nthree\n')
              cluster.server.appendPodLog('default', 'p', 'c', 'four\n');
            if (streamed.endsWith('four\n')) {
              void core.patchNamespacedPodStatus(
                {
                  namespace: 'default',
                  name: 'p',
                  body: {
                    status: {
                      containerStatuses: [
                        {
                          name: 'c',
                          ready: false,
                          restartCount: 0,
                          image: 'busybox:1',
                          imageID: '',
                          state: { terminated: { exitCode: 0 } },
                        },
                      ],
                    },
                  },
                },
                setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
              );
            }
          });
          res.on('end', () => resolve(streamed));
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(await followed, 'one\ntwo\nthree\nfour\n');
  });

  it('evicts pods', async () => {
    await core.createNamespacedPodEviction({
      namespace: 'default',
      name: 'p',
      body: { metadata: { name: 'p', namespace: 'default' } },
    });
    assert.equal(await codeOf(core.readNamespacedPod({ namespace: 'default', name: 'p' })), 404);
  });

  it('converts Secret stringData into base64 data', async () => {
    const secret = await core.createNamespacedSecret({
      namespace: 'default',
      body: { metadata: { name: 's' }, stringData: { token: 'abc' } },
    });
    assert.equal(secret.data?.['token'], Buffer.from('abc').toString('base64'));
    assert.equal(secret.type, 'Opaque');
  });

  it('validates Events as a real server does, for both Event APIs', async () => {
    const mismatch = await requestRaw(cluster.server, 'POST', '/api/v1/namespaces/default/events', {
      body: JSON.stringify({
        metadata: { name: 'e1' },
        involvedObject: { kind: 'Pod', name: 'p', namespace: 'other' },
        reason: 'X',
      }),
    });
    assert.equal(mismatch.status, 422);
    assert.match(
      mismatch.text,
      /involvedObject.namespace: Invalid value: \\"other\\": does not match event.namespace/,
    );
    const incomplete = await requestRaw(
      cluster.server,
      'POST',
      '/apis/events.k8s.io/v1/namespaces/default/events',
      {
        body: JSON.stringify({
          metadata: { name: 'e2' },
          regarding: { kind: 'Pod', name: 'p', namespace: 'default' },
          type: 'Normal',
          reason: 'Started',
        }),
      },
    );
    assert.equal(incomplete.status, 422);
    const fields = (
      JSON.parse(incomplete.text) as { details: { causes: { field: string }[] } }
    ).details.causes.map((c) => c.field);
    assert.deepEqual(fields, ['eventTime']);
    const unreported = await requestRaw(
      cluster.server,
      'POST',
      '/apis/events.k8s.io/v1/namespaces/default/events',
      {
        body: JSON.stringify({
          metadata: { name: 'e2' },
          regarding: { kind: 'Pod', name: 'p', namespace: 'default' },
          eventTime: '2026-01-01T00:00:00.000000Z',
          type: 'Normal',
          reason: 'Started',
        }),
      },
    );
    assert.deepEqual(
      (
        JSON.parse(unreported.text) as { details: { causes: { field: string }[] } }
      ).details.causes.map((c) => c.field),
      ['reportingController', 'reportingInstance', 'action'],
    );
    const complete = await requestRaw(
      cluster.server,
      'POST',
      '/apis/events.k8s.io/v1/namespaces/default/events',
      {
        body: JSON.stringify({
          metadata: { name: 'e3' },
          regarding: { kind: 'Pod', name: 'p', namespace: 'default' },
          eventTime: '2026-01-01T00:00:00.000000Z',
          reportingController: 'kubernaut.ai/dispatcher',
          reportingInstance: 'replica-1',
          action: 'Verify',
          reason: 'Verified',
          type: 'Normal',
        }),
      },
    );
    assert.equal(complete.status, 201);
  });

  it('serves events.k8s.io/v1 Events as a view of the core/v1 Events', async () => {
    const created = await requestRaw(
      cluster.server,
      'POST',
      '/apis/events.k8s.io/v1/namespaces/default/events',
      {
        body: JSON.stringify({
          metadata: { name: 'viewed' },
          regarding: { kind: 'Pod', name: 'view-target', namespace: 'default' },
          eventTime: '2026-01-01T00:00:00.000000Z',
          reportingController: 'kubernaut.ai/dispatcher',
          reportingInstance: 'replica-1',
          action: 'Verify',
          reason: 'Verified',
          note: 'image verified',
          type: 'Normal',
        }),
      },
    );
    assert.equal(created.status, 201);
    assert.equal((JSON.parse(created.text) as { note?: string }).note, 'image verified');
    const core = await cluster.kc.makeApiClient(CoreV1Api).listNamespacedEvent({
      namespace: 'default',
      fieldSelector: 'involvedObject.name=view-target',
    });
    assert.equal(core.items.length, 1);
    assert.equal(core.items[0]?.message, 'image verified');
    assert.equal(core.items[0]?.reportingComponent, 'kubernaut.ai/dispatcher');
    const viewed = await requestRaw(
      cluster.server,
      'GET',
      '/apis/events.k8s.io/v1/namespaces/default/events?fieldSelector=regarding.name%3Dview-target',
    );
    const list = JSON.parse(viewed.text) as {
      kind: string;
      items: { regarding?: { name: string }; involvedObject?: unknown }[];
    };
    assert.equal(list.kind, 'EventList');
    assert.equal(list.items[0]?.regarding?.name, 'view-target');
    assert.equal(list.items[0]?.involvedObject, undefined);
    const patched = await requestRaw(
      cluster.server,
      'PATCH',
      '/apis/events.k8s.io/v1/namespaces/default/events/viewed',
      {
        body: JSON.stringify({ note: 'patched through the view' }),
        headers: { 'content-type': 'application/merge-patch+json' },
      },
    );
    assert.equal((JSON.parse(patched.text) as { note?: string }).note, 'patched through the view');
  });

  it('keeps immutable ConfigMaps immutable', async () => {
    const cm = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'frozen' }, immutable: true, data: { a: '1' } },
    });
    assert.equal(
      await codeOf(
        core.replaceNamespacedConfigMap({
          namespace: 'default',
          name: 'frozen',
          body: { ...cm, data: { a: '2' } },
        }),
      ),
      422,
    );
    const labelled = await core.replaceNamespacedConfigMap({
      namespace: 'default',
      name: 'frozen',
      body: { ...cm, metadata: { ...cm.metadata, labels: { ok: 'yes' } } },
    });
    assert.equal(labelled.metadata?.labels?.['ok'], 'yes');
  });

  it('renders built-in Tables with kind-specific columns', async () => {
    const res = await requestRaw(
      cluster.server,
      'GET',
      '/api/v1/namespaces/default/configmaps?fieldSelector=metadata.name%3Dfrozen',
      {
        headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
      },
    );
    const table = JSON.parse(res.text) as {
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[] }[];
    };
    assert.deepEqual(
      table.columnDefinitions.map((c) => c.name),
      ['Name', 'Data', 'Age'],
    );
    assert.deepEqual(table.rows[0]?.cells.slice(0, 2), ['frozen', 1]);
  });
});
