import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { WorkflowExecution } from '../../../src/api/workflow-execution.ts';
import { RunIndex } from '../../../src/intake/run-index.ts';

const run = (name: string, creationTimestamp?: string): WorkflowExecution => ({
  apiVersion: 'kubernaut.ai/v1alpha1',
  kind: 'WorkflowExecution',
  metadata: {
    name,
    namespace: 'default',
    labels: { 'kubernaut.ai/template': 'crash', 'kubernaut.ai/target-hash': 'abc' },
    ...(creationTimestamp ? { creationTimestamp } : {}),
  },
  spec: { workflowType: 'crash', steps: [], cancel: false, dryRun: false },
});

/** What the informer hands over: client-node's type, with our schema's fields. */
const asObject = (value: WorkflowExecution): KubernetesObject =>
  value as unknown as KubernetesObject;

describe('RunIndex creation times (the storm limit reads them per alert)', () => {
  it('a remembered run counts from when it was remembered, then from the API’s timestamp', () => {
    let now = 1_000;
    const index = new RunIndex(() => now);
    index.remember(run('a'));
    now = 5_000;
    assert.deepEqual(index.templateCreationsMs('default', 'crash'), [1_000]);
    index.update('add', asObject(run('a', '1970-01-01T00:00:02.000Z')));
    assert.deepEqual(index.templateCreationsMs('default', 'crash'), [2_000]);
    assert.equal(index.targetRuns('default', 'crash', 'abc')[0]?.createdAtMs, 2_000);
  });

  it('keeps its indexes through status updates and moves a run whose labels changed', () => {
    const index = new RunIndex(() => 0);
    const created = '1970-01-01T00:00:01.000Z';
    index.update('add', asObject(run('a', created)));
    const finished = run('a', created);
    finished.status = {
      phase: 'Succeeded',
      completedAt: '1970-01-01T00:00:04.000Z',
      steps: [],
      conditions: [],
    };
    index.update('update', asObject(finished));
    assert.deepEqual(index.templateCreationsMs('default', 'crash'), [1_000]);
    assert.deepEqual(index.targetRuns('default', 'crash', 'abc'), [
      { name: 'a', phase: 'Succeeded', createdAtMs: 1_000, completedAtMs: 4_000 },
    ]);
    const moved = run('a', created);
    moved.metadata.labels = { ...moved.metadata.labels, 'kubernaut.ai/target-hash': 'def' };
    index.update('update', asObject(moved));
    assert.deepEqual(index.targetRuns('default', 'crash', 'abc'), []);
    assert.equal(index.targetRuns('default', 'crash', 'def').length, 1);
  });

  it('forgets a deleted run, and keeps other templates apart', () => {
    const index = new RunIndex(() => 0);
    index.update('add', asObject(run('a', '1970-01-01T00:00:01.000Z')));
    index.update('add', asObject(run('b', '1970-01-01T00:00:03.000Z')));
    assert.deepEqual(index.templateCreationsMs('default', 'crash'), [1_000, 3_000]);
    index.update('delete', asObject(run('a', '1970-01-01T00:00:01.000Z')));
    assert.deepEqual(index.templateCreationsMs('default', 'crash'), [3_000]);
    assert.deepEqual(index.templateCreationsMs('default', 'other'), []);
  });

  it('counts a template’s runs in a window, ends included as the storm limit reads them', () => {
    const index = new RunIndex(() => 0);
    for (const [name, second] of [
      ['a', 1],
      ['b', 2],
      ['c', 2],
      ['d', 5],
    ] as const) {
      index.update('add', asObject(run(name, `1970-01-01T00:00:0${String(second)}.000Z`)));
    }
    assert.equal(index.templateCreationsBetween('default', 'crash', 1_000, 2_000), 2);
    assert.equal(index.templateCreationsBetween('default', 'crash', 0, 5_000), 4);
    assert.equal(index.templateCreationsBetween('default', 'crash', 2_000, 4_999), 0);
    assert.equal(index.templateCreationsBetween('default', 'other', 0, 5_000), 0);
    index.update('delete', asObject(run('b', '1970-01-01T00:00:02.000Z')));
    assert.equal(index.templateCreationsBetween('default', 'crash', 1_000, 2_000), 1);
  });
});
