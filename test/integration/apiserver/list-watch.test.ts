import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CoreV1Api,
  CustomObjectsApi,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  Watch,
  type KubernetesObject,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import {
  buildWorkflowExecution,
  requestRaw,
  startTestCluster,
  waitFor,
  type TestCluster,
} from './start-test-server.ts';

interface WatchEvent {
  type: string;
  object: KubernetesObject & { code?: number; reason?: string };
}

/** Collects watch events until `until` holds, then aborts the watch. */
async function collectEvents(
  cluster: TestCluster,
  path: string,
  params: Record<string, string | number | boolean | undefined>,
  until: (events: WatchEvent[]) => boolean,
): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  let abort: AbortController | undefined;
  const finished = new Promise<void>((resolve, reject) => {
    new Watch(cluster.kc)
      .watch(
        path,
        params,
        (type, object: WatchEvent['object']) => {
          events.push({ type, object });
          if (until(events)) resolve();
        },
        (err: unknown) => {
          if (until(events)) resolve();
          else
            reject(
              err instanceof Error
                ? err
                : new Error(`watch ended early: ${JSON.stringify(events)}`),
            );
        },
      )
      .then((c) => (abort = c), reject);
  });
  await finished;
  abort?.abort();
  return events;
}

describe('list and watch (client-node)', () => {
  let cluster: TestCluster;
  let core: CoreV1Api;

  before(async () => {
    cluster = await startTestCluster({ bookmarkIntervalMs: 50 });
    core = cluster.kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'team-a' } } });
    const labelled: [string, Record<string, string>][] = [
      ['a', { app: 'web', tier: 'front' }],
      ['b', { app: 'web', tier: 'back' }],
      ['c', { app: 'db' }],
      ['d', {}],
    ];
    for (const [name, labels] of labelled) {
      await core.createNamespacedConfigMap({
        namespace: 'team-a',
        body: { metadata: { name, labels } },
      });
    }
  });
  after(() => cluster.server.close());

  const selectorCases: [string, string[]][] = [
    ['app=web', ['a', 'b']],
    ['app==web', ['a', 'b']],
    ['app!=web', ['c', 'd']],
    ['app in (web,db)', ['a', 'b', 'c']],
    ['tier notin (front)', ['b', 'c', 'd']],
    ['tier', ['a', 'b']],
    ['!tier', ['c', 'd']],
    ['app=web,tier=back', ['b']],
  ];
  for (const [selector, expected] of selectorCases) {
    it(`lists with labelSelector ${selector}`, async () => {
      const list = await core.listNamespacedConfigMap({
        namespace: 'team-a',
        labelSelector: selector,
      });
      assert.deepEqual(list.items.map((i) => i.metadata?.name).sort(), expected);
    });
  }

  it('answers 400 BadRequest for an unparsable selector or an unknown field', async () => {
    const bad = await requestRaw(
      cluster.server,
      'GET',
      '/api/v1/configmaps?fieldSelector=spec.foo%3Dx',
    );
    assert.equal(bad.status, 400);
    assert.equal((JSON.parse(bad.text) as { reason: string }).reason, 'BadRequest');
  });

  it('filters by metadata.name, metadata.namespace, status.phase and spec.nodeName', async () => {
    for (const [name, node] of [
      ['p1', 'n1'],
      ['p2', 'n2'],
    ] as const) {
      await core.createNamespacedPod({
        namespace: 'team-a',
        body: {
          metadata: { name },
          spec: { nodeName: node, containers: [{ name: 'c', image: 'busybox:1' }] },
        },
      });
    }
    await core.patchNamespacedPodStatus(
      { namespace: 'team-a', name: 'p2', body: { status: { phase: 'Running' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const running = await core.listPodForAllNamespaces({ fieldSelector: 'status.phase=Running' });
    assert.deepEqual(
      running.items.map((p) => p.metadata?.name),
      ['p2'],
    );
    const onN1 = await core.listNamespacedPod({
      namespace: 'team-a',
      fieldSelector: 'spec.nodeName=n1',
    });
    assert.deepEqual(
      onN1.items.map((p) => p.metadata?.name),
      ['p1'],
    );
    const byName = await core.listConfigMapForAllNamespaces({
      fieldSelector: 'metadata.name=c,metadata.namespace=team-a',
    });
    assert.equal(byName.items.length, 1);
  });

  it('filters events by involvedObject fields', async () => {
    for (const name of ['p1', 'p2']) {
      await core.createNamespacedEvent({
        namespace: 'team-a',
        body: {
          metadata: { generateName: 'ev-' },
          involvedObject: { kind: 'Pod', name, namespace: 'team-a' },
          reason: 'Tested',
        },
      });
    }
    const list = await core.listNamespacedEvent({
      namespace: 'team-a',
      fieldSelector: 'involvedObject.name=p2,involvedObject.kind=Pod',
    });
    assert.deepEqual(
      list.items.map((e) => e.involvedObject.name),
      ['p2'],
    );
  });

  it('lists across namespaces and paginates with limit and continue', async () => {
    const all = await core.listConfigMapForAllNamespaces();
    assert.ok(all.items.length >= 4);
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await core.listNamespacedConfigMap({
        namespace: 'team-a',
        limit: 3,
        _continue: token,
      });
      names.push(...page.items.map((i) => i.metadata?.name ?? ''));
      token = page.metadata?._continue;
      pages++;
    } while (token !== undefined && token !== '');
    assert.equal(pages, 2);
    assert.deepEqual(names, ['a', 'b', 'c', 'd']);
  });

  it('watches from a resourceVersion and sees only later events', async () => {
    const list = await core.listNamespacedConfigMap({ namespace: 'team-a' });
    const rv = list.metadata?.resourceVersion ?? '';
    await core.patchNamespacedConfigMap(
      { namespace: 'team-a', name: 'a', body: { data: { k: 'v' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await core.deleteNamespacedConfigMap({ namespace: 'team-a', name: 'd' });
    await core.createNamespacedConfigMap({
      namespace: 'team-a',
      body: { metadata: { name: 'd' } },
    });
    const events = await collectEvents(
      cluster,
      '/api/v1/namespaces/team-a/configmaps',
      { resourceVersion: rv },
      (e) => e.length >= 3,
    );
    assert.deepEqual(
      events.map((e) => `${e.type} ${e.object.metadata?.name ?? ''}`),
      ['MODIFIED a', 'DELETED d', 'ADDED d'],
    );
    assert.ok(events.every((e) => Number(e.object.metadata?.resourceVersion) > Number(rv)));
  });

  it('starts a watch without resourceVersion with synthetic ADDED events, then bookmarks', async () => {
    const events = await collectEvents(
      cluster,
      '/api/v1/namespaces/team-a/configmaps',
      { labelSelector: 'app=web', allowWatchBookmarks: true },
      (e) => e.some((x) => x.type === 'BOOKMARK'),
    );
    assert.deepEqual(
      events
        .filter((e) => e.type === 'ADDED')
        .map((e) => e.object.metadata?.name)
        .sort(),
      ['a', 'b'],
    );
    const bookmark = events.find((e) => e.type === 'BOOKMARK');
    assert.equal(bookmark?.object.kind, 'ConfigMap');
    assert.match(bookmark?.object.metadata?.resourceVersion ?? '', /^\d+$/);
  });

  it('shows an object leaving the selector as DELETED', async () => {
    const list = await core.listNamespacedConfigMap({ namespace: 'team-a' });
    await core.patchNamespacedConfigMap(
      { namespace: 'team-a', name: 'b', body: { metadata: { labels: { app: 'other' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const events = await collectEvents(
      cluster,
      '/api/v1/namespaces/team-a/configmaps',
      { resourceVersion: list.metadata?.resourceVersion, labelSelector: 'app=web' },
      (e) => e.length >= 1,
    );
    assert.deepEqual(
      events.map((e) => `${e.type} ${e.object.metadata?.name ?? ''}`),
      ['DELETED b'],
    );
  });

  it('answers a watch from an expired resourceVersion with an ERROR 410 Expired event', async () => {
    const list = await core.listNamespacedConfigMap({ namespace: 'team-a' });
    await core.createNamespacedConfigMap({
      namespace: 'team-a',
      body: { metadata: { name: 'after-expiry' } },
    });
    cluster.server.expireWatchHistory();
    const events = await collectEvents(
      cluster,
      '/api/v1/namespaces/team-a/configmaps',
      { resourceVersion: list.metadata?.resourceVersion },
      (e) => e.length >= 1,
    );
    assert.equal(events[0]?.type, 'ERROR');
    assert.equal(events[0]?.object.code, 410);
    assert.equal(events[0]?.object.reason, 'Expired');
  });

  it('keeps a makeInformer cache in sync, relisting after 410 Gone', async () => {
    let lists = 0;
    const listFn = (): Promise<{
      items: V1ConfigMap[];
      metadata?: { resourceVersion?: string };
    }> => {
      lists++;
      return core.listNamespacedConfigMap({ namespace: 'team-a' });
    };
    const informer = makeInformer<V1ConfigMap>(
      cluster.kc,
      '/api/v1/namespaces/team-a/configmaps',
      listFn,
    );
    const added: string[] = [];
    informer.on('add', (o) => added.push(o.metadata?.name ?? ''));
    await informer.start();
    try {
      await core.createNamespacedConfigMap({
        namespace: 'team-a',
        body: { metadata: { name: 'live' } },
      });
      await waitFor(
        async () => informer.get('live', 'team-a'),
        (o) => o !== undefined,
      );
      // Move the cluster-wide resourceVersion past what the informer saw (another resource),
      // forget the history and cut the stream: the informer resumes from a resourceVersion
      // the server no longer has, gets 410 and must relist.
      await core.createNamespacedSecret({
        namespace: 'team-a',
        body: { metadata: { name: 'bump' } },
      });
      cluster.server.expireWatchHistory();
      cluster.server.closeWatches();
      await waitFor(
        async () => lists,
        (n) => n >= 2,
        5000,
      );
      await core.createNamespacedConfigMap({
        namespace: 'team-a',
        body: { metadata: { name: 'missed' } },
      });
      await waitFor(
        async () => informer.get('missed', 'team-a'),
        (o) => o !== undefined,
        5000,
      );
      assert.ok(lists >= 2, `expected a relist after 410, saw ${lists} list calls`);
      assert.ok(added.includes('live') && added.includes('missed'));
    } finally {
      await informer.stop();
    }
  });

  it('renders Tables for CRDs with printer columns', async () => {
    const custom = cluster.kc.makeApiClient(CustomObjectsApi);
    await custom.createNamespacedCustomObject({
      group: 'kubernaut.ai',
      version: 'v1alpha1',
      namespace: 'team-a',
      plural: 'workflowexecutions',
      body: buildWorkflowExecution('tbl'),
    });
    const res = await requestRaw(
      cluster.server,
      'GET',
      '/apis/kubernaut.ai/v1alpha1/namespaces/team-a/workflowexecutions',
      {
        headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' },
      },
    );
    const table = JSON.parse(res.text) as {
      kind: string;
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[]; object: { kind: string } }[];
    };
    assert.equal(table.kind, 'Table');
    assert.deepEqual(
      table.columnDefinitions.map((c) => c.name),
      ['Name', 'Phase', 'Progress', 'Backend', 'Workflow', 'Target', 'Age'],
    );
    assert.equal(table.rows[0]?.cells[0], 'tbl');
    assert.equal(table.rows[0]?.cells[4], 'oom-remediation');
    assert.equal(table.rows[0]?.object.kind, 'PartialObjectMetadata');
  });
});
