import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  PatchError,
} from '../../../wrangler-free-local/apiserver/patch.ts';

describe('JSON merge patch (RFC 7386)', () => {
  const cases: [string, unknown, unknown, unknown][] = [
    [
      'adds and replaces',
      { a: 1, b: { c: 2 } },
      { b: { d: 3 }, e: 4 },
      { a: 1, b: { c: 2, d: 3 }, e: 4 },
    ],
    ['null deletes', { a: 1, b: 2 }, { a: null }, { b: 2 }],
    ['replaces lists whole', { l: [1, 2] }, { l: [3] }, { l: [3] }],
    ['replaces scalars with objects', { a: 1 }, { a: { b: 1 } }, { a: { b: 1 } }],
  ];
  for (const [name, target, patch, expected] of cases) {
    it(name, () => assert.deepEqual(applyMergePatch(target, patch), expected));
  }
  it('does not mutate the target', () => {
    const target = { a: { b: 1 } };
    applyMergePatch(target, { a: { b: 2 } });
    assert.deepEqual(target, { a: { b: 1 } });
  });
});

describe('JSON patch (RFC 6902)', () => {
  const doc = { a: { b: [1, 2] }, c: 'x' };
  const cases: [string, unknown[], unknown][] = [
    ['add to object', [{ op: 'add', path: '/d', value: 1 }], { a: { b: [1, 2] }, c: 'x', d: 1 }],
    [
      'add to array end',
      [{ op: 'add', path: '/a/b/-', value: 3 }],
      { a: { b: [1, 2, 3] }, c: 'x' },
    ],
    ['insert in array', [{ op: 'add', path: '/a/b/0', value: 0 }], { a: { b: [0, 1, 2] }, c: 'x' }],
    ['remove', [{ op: 'remove', path: '/c' }], { a: { b: [1, 2] } }],
    ['replace', [{ op: 'replace', path: '/a/b/1', value: 9 }], { a: { b: [1, 9] }, c: 'x' }],
    ['move', [{ op: 'move', from: '/c', path: '/e' }], { a: { b: [1, 2] }, e: 'x' }],
    ['copy', [{ op: 'copy', from: '/c', path: '/e' }], { a: { b: [1, 2] }, c: 'x', e: 'x' }],
    [
      'test then replace',
      [
        { op: 'test', path: '/c', value: 'x' },
        { op: 'replace', path: '/c', value: 'y' },
      ],
      { a: { b: [1, 2] }, c: 'y' },
    ],
    [
      'escaped pointer',
      [{ op: 'add', path: '/a~1b', value: 1 }],
      { a: { b: [1, 2] }, c: 'x', 'a/b': 1 },
    ],
  ];
  for (const [name, ops, expected] of cases) {
    it(name, () => assert.deepEqual(applyJsonPatch(doc, ops), expected));
  }
  const failures: [string, unknown[]][] = [
    ['failed test', [{ op: 'test', path: '/c', value: 'y' }]],
    ['remove missing', [{ op: 'remove', path: '/zz' }]],
    ['replace missing', [{ op: 'replace', path: '/zz', value: 1 }]],
    ['index out of range', [{ op: 'add', path: '/a/b/5', value: 1 }]],
    ['unknown op', [{ op: 'frobnicate', path: '/c' }]],
  ];
  for (const [name, ops] of failures) {
    it(`fails on ${name}`, () => assert.throws(() => applyJsonPatch(doc, ops), PatchError));
  }
});

describe('strategic merge patch', () => {
  const deployment = {
    spec: {
      template: {
        spec: {
          containers: [
            { name: 'a', image: 'a:1', env: [{ name: 'X', value: '1' }] },
            { name: 'b', image: 'b:1' },
          ],
          volumes: [{ name: 'v1', emptyDir: {} }],
        },
      },
    },
    metadata: { finalizers: ['f1'], labels: { k: 'v' } },
  };
  const containers = (o: unknown): unknown =>
    (o as { spec: { template: { spec: { containers: unknown } } } }).spec.template.spec.containers;
  it('merges containers by name and env by name', () => {
    const out = applyStrategicMergePatch(deployment, {
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'a', env: [{ name: 'Y', value: '2' }] },
              { name: 'c', image: 'c:1' },
            ],
          },
        },
      },
    });
    assert.deepEqual(containers(out), [
      {
        name: 'a',
        image: 'a:1',
        env: [
          { name: 'X', value: '1' },
          { name: 'Y', value: '2' },
        ],
      },
      { name: 'b', image: 'b:1' },
      { name: 'c', image: 'c:1' },
    ]);
  });
  it('deletes list items with $patch: delete and replaces with $patch: replace', () => {
    const deleted = applyStrategicMergePatch(deployment, {
      spec: { template: { spec: { containers: [{ name: 'b', $patch: 'delete' }] } } },
    });
    assert.deepEqual(
      (containers(deleted) as { name: string }[]).map((c) => c.name),
      ['a'],
    );
    const replaced = applyStrategicMergePatch(deployment, {
      spec: {
        template: { spec: { containers: [{ name: 'z', image: 'z' }, { $patch: 'replace' }] } },
      },
    });
    assert.deepEqual(containers(replaced), [{ name: 'z', image: 'z' }]);
  });
  it('unions finalizers and honours $deleteFromPrimitiveList', () => {
    const added = applyStrategicMergePatch(deployment, {
      metadata: { finalizers: ['f2'] },
    }) as typeof deployment;
    assert.deepEqual(added.metadata.finalizers, ['f1', 'f2']);
    const removed = applyStrategicMergePatch(added, {
      metadata: { '$deleteFromPrimitiveList/finalizers': ['f1'] },
    }) as typeof deployment;
    assert.deepEqual(removed.metadata.finalizers, ['f2']);
  });
  it('orders by $setElementOrder and deletes maps set to null', () => {
    const out = applyStrategicMergePatch(deployment, {
      metadata: { labels: null },
      spec: {
        template: { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }] } },
      },
    }) as typeof deployment;
    assert.equal(out.metadata.labels, undefined);
    assert.deepEqual(
      (containers(out) as { name: string }[]).map((c) => c.name),
      ['b', 'a'],
    );
  });
  it('replaces lists without a merge key', () => {
    const out = applyStrategicMergePatch({ args: ['a', 'b'] }, { args: ['c'] });
    assert.deepEqual(out, { args: ['c'] });
  });
});
