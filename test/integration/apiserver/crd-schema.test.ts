import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiException, ApiextensionsV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import {
  buildWorkflowExecution,
  requestRaw,
  startTestCluster,
  waitFor,
  type TestCluster,
} from './start-test-server.ts';

const WFE = {
  group: 'kubernaut.ai',
  version: 'v1alpha1',
  namespace: 'default',
  plural: 'workflowexecutions',
};

interface Cause {
  reason: string;
  field: string;
  message: string;
}

async function readCauses(
  promise: Promise<unknown>,
): Promise<{ code: number; causes: Cause[]; message: string }> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ApiException);
    const body = JSON.parse(String(err.body)) as {
      reason: string;
      message: string;
      details?: { causes?: Cause[] };
    };
    assert.equal(body.reason, err.code === 422 ? 'Invalid' : body.reason);
    return { code: err.code, causes: body.details?.causes ?? [], message: body.message };
  }
  assert.fail('expected a failure');
}

/** A Tekton-like CRD with a cluster scope, a scale subresource and no printer columns. */
const WIDGET_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.dev' },
  spec: {
    group: 'example.dev',
    scope: 'Cluster',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'] },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: {
          status: {},
          scale: { specReplicasPath: '.spec.size', statusReplicasPath: '.status.size' },
        },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                properties: {
                  size: { type: 'integer', minimum: 0, default: 1 },
                  params: { type: 'array', maxItems: 2, items: { type: 'string' } },
                  free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                },
              },
              status: { type: 'object', properties: { size: { type: 'integer' } } },
            },
          },
        },
      },
    ],
  },
};

describe('custom resources: CRD lifecycle, validation, defaulting, pruning', () => {
  let cluster: TestCluster;
  let custom: CustomObjectsApi;
  let ext: ApiextensionsV1Api;

  before(async () => {
    cluster = await startTestCluster();
    custom = cluster.kc.makeApiClient(CustomObjectsApi);
    ext = cluster.kc.makeApiClient(ApiextensionsV1Api);
  });
  after(() => cluster.server.close());

  it('rejects an invalid WorkflowExecution with 422 and JSON-path causes', async () => {
    const body = buildWorkflowExecution('bad');
    body['spec'] = {
      workflowType: '',
      steps: [
        { name: 'x', actionType: 'a', image: 'i', retries: { limit: 11 }, timeout: 'soon' },
        { image: 'j' },
      ],
      source: { type: 'pager' },
    };
    const { code, causes, message } = await readCauses(
      custom.createNamespacedCustomObject({ ...WFE, body }),
    );
    assert.equal(code, 422);
    const byField = new Map(causes.map((c) => [c.field, c]));
    assert.equal(byField.get('spec.workflowType')?.reason, 'FieldValueInvalid');
    assert.equal(
      byField.get('spec.steps[0].retries.limit')?.message,
      'Invalid value: 11: spec.steps[0].retries.limit in body should be less than or equal to 10',
    );
    assert.match(byField.get('spec.steps[0].timeout')?.message ?? '', /should match/);
    assert.equal(byField.get('spec.steps[1].name')?.reason, 'FieldValueRequired');
    assert.equal(byField.get('spec.steps[1].actionType')?.reason, 'FieldValueRequired');
    assert.equal(byField.get('spec.source.type')?.reason, 'FieldValueNotSupported');
    assert.match(message, /^WorkflowExecution\.kubernaut\.ai "bad" is invalid: \[/);
  });

  it('checks types and date-time formats', async () => {
    const body = buildWorkflowExecution('types');
    body['spec'] = {
      ...(body['spec'] as object),
      cancel: 'yes',
      source: { type: 'alert', alert: { fingerprint: 'f', startsAt: 'yesterday' } },
    };
    const { causes } = await readCauses(custom.createNamespacedCustomObject({ ...WFE, body }));
    assert.deepEqual(causes.map((c) => c.field).sort(), [
      'spec.cancel',
      'spec.source.alert.startsAt',
    ]);
    assert.equal(causes.find((c) => c.field === 'spec.cancel')?.reason, 'FieldValueTypeInvalid');
  });

  it('applies schema defaults on create, including nested list items', async () => {
    const created = (await custom.createNamespacedCustomObject({
      ...WFE,
      body: buildWorkflowExecution('defaults'),
    })) as {
      spec: {
        cancel: boolean;
        dryRun: boolean;
        steps: { runAfter: string[]; usesWorkspace: boolean }[];
      };
    };
    assert.equal(created.spec.cancel, false);
    assert.equal(created.spec.dryRun, false);
    assert.deepEqual(created.spec.steps[0]?.runAfter, []);
    assert.equal(created.spec.steps[0]?.usesWorkspace, false);
  });

  it('prunes unknown fields but keeps preserve-unknown-fields subtrees; Strict rejects them', async () => {
    const body = buildWorkflowExecution('pruned');
    const spec = body['spec'] as { steps: Record<string, unknown>[] } & Record<string, unknown>;
    spec['bogus'] = 1;
    spec.steps[0] = { ...spec.steps[0], inputs: { any: { nested: true } } };
    const created = (await custom.createNamespacedCustomObject({ ...WFE, body })) as {
      spec: Record<string, unknown> & { steps: { inputs: unknown }[] };
    };
    assert.equal(created.spec['bogus'], undefined);
    assert.deepEqual(created.spec.steps[0]?.inputs, { any: { nested: true } });
    const strict = await requestRaw(
      cluster.server,
      'POST',
      '/apis/kubernaut.ai/v1alpha1/namespaces/default/workflowexecutions?fieldValidation=Strict',
      {
        body: JSON.stringify({ ...body, metadata: { name: 'strict' } }),
      },
    );
    assert.equal(strict.status, 400);
    assert.match(strict.text, /strict decoding error: unknown field \\"spec.bogus\\"/);
  });

  it('validates status writes against the schema too', async () => {
    await custom.createNamespacedCustomObject({ ...WFE, body: buildWorkflowExecution('st') });
    const current = (await custom.getNamespacedCustomObject({ ...WFE, name: 'st' })) as Record<
      string,
      unknown
    >;
    const { code, causes } = await readCauses(
      custom.replaceNamespacedCustomObjectStatus({
        ...WFE,
        name: 'st',
        body: { ...current, status: { phase: 'Exploded' } },
      }),
    );
    assert.equal(code, 422);
    assert.equal(causes[0]?.field, 'status.phase');
  });

  it('serves a new CRD at once, with discovery, scale and cluster scope; removes it on delete', async () => {
    // Raw JSON: client-node's typed models expect `_default` and would drop `default`.
    const created = await requestRaw(
      cluster.server,
      'POST',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
      { body: JSON.stringify(WIDGET_CRD) },
    );
    assert.equal(created.status, 201);
    const resources = JSON.parse(
      (await requestRaw(cluster.server, 'GET', '/apis/example.dev/v1')).text,
    ) as { resources: { name: string; shortNames?: string[] }[] };
    assert.deepEqual(
      resources.resources.map((r) => r.name),
      ['widgets', 'widgets/status', 'widgets/scale'],
    );
    const widget = (await custom.createClusterCustomObject({
      group: 'example.dev',
      version: 'v1',
      plural: 'widgets',
      body: {
        apiVersion: 'example.dev/v1',
        kind: 'Widget',
        metadata: { name: 'w' },
        spec: { free: { x: 1 } },
      },
    })) as { spec: { size: number } };
    assert.equal(widget.spec.size, 1);
    const scale = await requestRaw(
      cluster.server,
      'PATCH',
      '/apis/example.dev/v1/widgets/w/scale',
      {
        body: JSON.stringify({ spec: { replicas: 3 } }),
        headers: { 'content-type': 'application/merge-patch+json' },
      },
    );
    assert.equal(scale.status, 200);
    const after = (await custom.getClusterCustomObject({
      group: 'example.dev',
      version: 'v1',
      plural: 'widgets',
      name: 'w',
    })) as { spec: { size: number } };
    assert.equal(after.spec.size, 3);
    const established = await waitFor(
      () => ext.readCustomResourceDefinition({ name: 'widgets.example.dev' }),
      (crd) =>
        crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ===
        true,
    );
    assert.deepEqual(established.status?.acceptedNames?.shortNames, ['wd']);
    await ext.deleteCustomResourceDefinition({ name: 'widgets.example.dev' });
    await waitFor(
      () => requestRaw(cluster.server, 'GET', '/apis/example.dev/v1/widgets'),
      (r) => r.status === 404,
    );
    const crdGone = await requestRaw(
      cluster.server,
      'GET',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.dev',
    );
    assert.equal(crdGone.status, 404);
  });

  it('rejects a CRD whose name does not match its names', async () => {
    const bad = { ...WIDGET_CRD, metadata: { name: 'gadgets.example.dev' } };
    const { code, causes } = await readCauses(ext.createCustomResourceDefinition({ body: bad }));
    assert.equal(code, 422);
    assert.equal(causes[0]?.field, 'metadata.name');
  });
});
