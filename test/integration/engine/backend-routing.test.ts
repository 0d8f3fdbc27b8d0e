/**
 * Routing between the backends on the embedded cluster: the ConfigMap flags applied as they
 * change (old runs keep their backend, new runs follow), an invalid ConfigMap keeping the last
 * good flags with an Event naming the field, and Tekton absent → Jobs with an Event and a metric.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { V1ConfigMap } from '@kubernetes/client-node';
import type { WorkflowExecution } from '../../../src/api/workflow-execution.ts';
import type { Engine } from '../../../src/engine/engine.ts';
import { mergePatch } from '../../../src/kube/patch-options.ts';
import type { RoutingFlags } from '../../../src/routing/routing-flags.ts';
import { PROJECT_CRD_DIR } from '../../../wrangler-free-local/local-cluster.ts';
import { actionScript } from '../../fixtures/action-script.ts';
import { waitForObject } from '../../fixtures/wait-for-object.ts';
import { scriptImage } from '../cluster/start-local-cluster.ts';
import { waitForEvent } from '../tekton/tekton-cluster.ts';
import { RUNS, startEngineHarness, type EngineHarness } from './engine-harness.ts';
import { submitTo, tektonList } from './tekton-fixtures.ts';

const configMap = (data: Record<string, string>): V1ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'kubernaut-routing', namespace: 'default' },
  data,
});

/** Resolves once the engine's routing flags satisfy the predicate (driven by the watch). */
function flagsWhere(engine: Engine, predicate: (flags: RoutingFlags) => boolean): Promise<void> {
  if (predicate(engine.routing.flags())) return Promise.resolve();
  return new Promise((resolve) => {
    engine.routing.onChange((flags) => {
      if (predicate(flags)) resolve();
    });
  });
}

describe('backend routing', () => {
  let harness: EngineHarness;
  let echo = '';
  let sleep = '';
  before(async () => {
    harness = await startEngineHarness({ routingNamespace: 'default' });
    echo = scriptImage(harness.cluster.catalog, 'echo', actionScript('(inputs) => inputs'));
    sleep = scriptImage(harness.cluster.catalog, 'sleep', 'setTimeout(() => {}, 60_000)');
  });
  after(async () => {
    await harness.close();
  });

  it('applies a flag change to new runs while a running run keeps its backend', async () => {
    await harness.cluster.core.createNamespacedConfigMap({
      namespace: 'default',
      body: configMap({ mode: 'jobs' }),
    });
    await flagsWhere(harness.engine, (flags) => flags.mode === 'jobs');
    await submitTo(harness, 'old', undefined, [{ name: 'hang', actionType: 't', image: sleep }]);
    const old = await waitForObject<WorkflowExecution>(
      harness.cluster.kc,
      RUNS,
      'old',
      (run) => run.status?.steps[0]?.phase === 'Running',
    );
    assert.deepEqual(old.status?.backend, { name: 'jobs', reason: 'routing mode jobs' });

    await harness.cluster.core.patchNamespacedConfigMap(
      {
        namespace: 'default',
        name: 'kubernaut-routing',
        body: {
          data: {
            mode: 'rules',
            rules: '- name: canary\n  backend: tekton\n  match: { workflowTypes: [test] }\n',
          },
        },
      },
      mergePatch,
    );
    await flagsWhere(harness.engine, (flags) => flags.mode === 'rules');
    await submitTo(harness, 'new', undefined, [
      { name: 'scale', actionType: 't', image: echo, inputs: { replicas: 3 } },
    ]);
    const fresh = await harness.finished('new');
    assert.equal(fresh.status?.phase, 'Succeeded', JSON.stringify(fresh.status));
    assert.deepEqual(fresh.status?.backend, { name: 'tekton', reason: 'routing rule "canary"' });
    assert.deepEqual(fresh.status?.steps[0]?.outputs, { replicas: 3 });

    // The old run is reconciled again (cancel) under the new flags: it stays on Jobs.
    await harness.customObjects.patchNamespacedCustomObject(
      {
        group: 'kubernaut.ai',
        version: 'v1alpha1',
        namespace: 'default',
        plural: 'workflowexecutions',
        name: 'old',
        body: { spec: { cancel: true } },
      },
      mergePatch,
    );
    const cancelled = await harness.finished('old');
    assert.equal(cancelled.status?.phase, 'Cancelled');
    assert.equal(cancelled.status?.backend?.name, 'jobs');
    assert.deepEqual(await tektonList(harness, 'pipelineruns', cancelled), []);
  });

  it('keeps the last good flags when the ConfigMap turns invalid, with an Event naming the field', async () => {
    await harness.cluster.core.patchNamespacedConfigMap(
      { namespace: 'default', name: 'kubernaut-routing', body: { data: { mode: 'argo' } } },
      mergePatch,
    );
    const event = await waitForEvent(
      harness.cluster,
      'kubernaut-routing',
      (item) => item.reason === 'InvalidRoutingFlags',
    );
    assert.match(event.message ?? '', /data\.mode: /);
    assert.equal(harness.engine.routing.flags().mode, 'rules');
    await submitTo(harness, 'after-invalid', undefined, [
      { name: 'scale', actionType: 't', image: echo },
    ]);
    const run = await harness.finished('after-invalid');
    assert.equal(run.status?.backend?.name, 'tekton');
    const metrics = await harness.metrics.registry.getSingleMetricAsString(
      'kubernaut_routing_flags_errors_total',
    );
    assert.match(metrics, /kubernaut_routing_flags_errors_total 1$/m);
  });
});

describe('backend routing without Tekton installed', () => {
  let harness: EngineHarness;
  let echo = '';
  before(async () => {
    harness = await startEngineHarness(
      { routingNamespace: 'default' },
      { crdDirs: [PROJECT_CRD_DIR] },
    );
    echo = scriptImage(harness.cluster.catalog, 'echo', actionScript('(inputs) => inputs'));
  });
  after(async () => {
    await harness.close();
  });

  it('runs a workflow routed to Tekton on Jobs instead, with an Event and a metric', async () => {
    await harness.cluster.core.createNamespacedConfigMap({
      namespace: 'default',
      body: configMap({ mode: 'tekton' }),
    });
    await flagsWhere(harness.engine, (flags) => flags.mode === 'tekton');
    await submitTo(harness, 'no-tekton', undefined, [
      { name: 'scale', actionType: 't', image: echo, inputs: { replicas: 2 } },
    ]);
    const run = await harness.finished('no-tekton');
    assert.equal(run.status?.phase, 'Succeeded', JSON.stringify(run.status));
    assert.equal(run.status?.backend?.name, 'jobs');
    assert.match(run.status?.backend?.reason ?? '', /Tekton is not installed/);
    assert.deepEqual(run.status?.steps[0]?.outputs, { replicas: 2 });
    const event = await waitForEvent(
      harness.cluster,
      'no-tekton',
      (item) => item.reason === 'TektonNotInstalled',
    );
    assert.match(event.message ?? '', /routing mode tekton chose tekton/);
    const metrics = await harness.metrics.registry.getSingleMetricAsString(
      'kubernaut_backend_decisions_total',
    );
    assert.match(metrics, /kubernaut_backend_decisions_total\{backend="jobs",fallback="true"\} 1/);
  });
});
