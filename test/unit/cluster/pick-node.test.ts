import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { nodeFits, pickNode } from '../../../wrangler-free-local/cluster/pick-node.ts';

const node = (spec: V1Node['spec'] = {}): V1Node => ({ metadata: { name: 'n' }, spec });
const pod = (tolerations: NonNullable<V1Pod['spec']>['tolerations'] = []): V1Pod => ({
  spec: { containers: [], tolerations },
});
const noSchedule = { key: 'dedicated', value: 'db', effect: 'NoSchedule' };

describe('the simulated scheduler filter', () => {
  const cases: [string, V1Node | undefined, V1Pod, boolean][] = [
    ['a plain node', node(), pod(), true],
    ['a node not seen yet', undefined, pod(), true],
    ['a cordoned node', node({ unschedulable: true }), pod(), false],
    ['an untolerated NoSchedule taint', node({ taints: [noSchedule] }), pod(), false],
    [
      'an untolerated NoExecute taint',
      node({ taints: [{ key: 'k', effect: 'NoExecute' }] }),
      pod(),
      false,
    ],
    [
      'a PreferNoSchedule taint',
      node({ taints: [{ key: 'k', effect: 'PreferNoSchedule' }] }),
      pod(),
      true,
    ],
    [
      'a toleration with key, value and effect',
      node({ taints: [noSchedule] }),
      pod([{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }]),
      true,
    ],
    [
      'a toleration of another value',
      node({ taints: [noSchedule] }),
      pod([{ key: 'dedicated', value: 'web' }]),
      false,
    ],
    [
      'an Exists toleration of the key',
      node({ taints: [noSchedule] }),
      pod([{ key: 'dedicated', operator: 'Exists' }]),
      true,
    ],
    [
      'an Exists toleration of everything',
      node({ taints: [noSchedule] }),
      pod([{ operator: 'Exists' }]),
      true,
    ],
    [
      'a toleration of another effect',
      node({ taints: [noSchedule] }),
      pod([{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }]),
      false,
    ],
  ];
  const labelled: V1Node = { metadata: { name: 'n', labels: { disk: 'ssd' } }, spec: {} };
  cases.push(
    [
      'a node with the nodeSelector labels',
      labelled,
      { spec: { containers: [], nodeSelector: { disk: 'ssd' } } },
      true,
    ],
    [
      'a node without them',
      labelled,
      { spec: { containers: [], nodeSelector: { disk: 'hdd' } } },
      false,
    ],
  );
  for (const [what, n, p, fits] of cases) {
    it(`${what}: ${fits ? 'fits' : 'does not fit'}`, () => {
      assert.equal(nodeFits(n, p), fits);
    });
  }

  it('rotates among fitting nodes and finds none when all are cordoned', () => {
    const nodes: Record<string, V1Node> = {
      a: node({ unschedulable: true }),
      b: node(),
      c: node(),
    };
    const of = (name: string) => nodes[name];
    assert.deepEqual(pickNode(['a', 'b', 'c'], 0, of, pod()), { name: 'b', index: 1 });
    assert.deepEqual(pickNode(['a', 'b', 'c'], 2, of, pod()), { name: 'c', index: 2 });
    assert.deepEqual(pickNode(['a', 'b', 'c'], 3, of, pod()), { name: 'b', index: 1 });
    assert.equal(pickNode(['a'], 0, of, pod()), undefined);
  });
});
