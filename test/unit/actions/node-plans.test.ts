import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import {
  formatTaint,
  planAddTaint,
  planRemoveTaints,
} from '../../../src/actions/lib/nodes/plan-taints.ts';
import { selectDrainPods } from '../../../src/actions/lib/nodes/select-drain-pods.ts';
import { ActionError } from '../../../src/actions/runtime/action-error.ts';

const drain = { key: 'drain', value: 'yes', effect: 'NoSchedule' };

describe('taint plans', () => {
  it('adds a new taint, and nothing when it is there already', () => {
    assert.deepEqual(planAddTaint([], drain, false), { taints: [drain], changed: true });
    assert.deepEqual(planAddTaint([drain], drain, false), { taints: [drain], changed: false });
  });

  it('replaces the value of the same key and effect only when overwriting', () => {
    const other = { ...drain, value: 'no' };
    assert.deepEqual(planAddTaint([drain], other, true), { taints: [other], changed: true });
    assert.throws(
      () => planAddTaint([drain], other, false),
      (error: unknown) => error instanceof ActionError && error.code === 'Refused',
    );
  });

  it('keeps a taint of the same key with another effect', () => {
    const execute = { ...drain, effect: 'NoExecute' };
    assert.deepEqual(planAddTaint([drain], execute, false).taints, [drain, execute]);
  });

  it('removes one effect or every effect of a key; a missing key changes nothing', () => {
    const execute = { ...drain, effect: 'NoExecute' };
    const other = { key: 'other', effect: 'NoSchedule' };
    assert.deepEqual(planRemoveTaints([drain, execute, other], 'drain', 'NoExecute'), {
      taints: [drain, other],
      changed: true,
      removed: 1,
    });
    assert.equal(planRemoveTaints([drain, execute, other], 'drain', undefined).removed, 2);
    assert.deepEqual(planRemoveTaints([other], 'drain', undefined), {
      taints: [other],
      changed: false,
      removed: 0,
    });
  });

  it('formats as kubectl prints', () => {
    assert.equal(formatTaint(drain), 'drain=yes:NoSchedule');
    assert.equal(formatTaint({ key: 'k', effect: 'NoExecute' }), 'k:NoExecute');
  });
});

describe('which pods a drain evicts', () => {
  const pod = (name: string, meta: NonNullable<V1Pod['metadata']> = {}): V1Pod => ({
    metadata: { name, namespace: 'default', ...meta },
  });
  const owned = (kind: string) => ({
    ownerReferences: [{ apiVersion: 'apps/v1', kind, name: 'o', uid: 'u', controller: true }],
  });
  const pods = [
    pod('web', owned('ReplicaSet')),
    pod('agent', owned('DaemonSet')),
    pod('static', { annotations: { 'kubernetes.io/config.mirror': 'x' } }),
    pod('going', { ...owned('ReplicaSet'), deletionTimestamp: new Date() }),
    pod('bare'),
  ];

  it('skips DaemonSet, mirror and terminating pods and holds back unmanaged ones', () => {
    const selection = selectDrainPods(pods, false);
    assert.deepEqual(
      selection.evict.map((p) => p.metadata?.name),
      ['web'],
    );
    assert.deepEqual(selection.skipped, [
      { pod: 'default/agent', reason: 'managed by DaemonSet o' },
      { pod: 'default/going', reason: 'already terminating' },
      { pod: 'default/static', reason: 'mirror pod' },
    ]);
    assert.deepEqual(selection.unmanaged, ['default/bare']);
  });

  it('evicts unmanaged pods when forced', () => {
    const selection = selectDrainPods(pods, true);
    assert.deepEqual(
      selection.evict.map((p) => p.metadata?.name),
      ['bare', 'web'],
    );
    assert.deepEqual(selection.unmanaged, []);
  });
});
