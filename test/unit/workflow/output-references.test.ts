import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  findOutputReferences,
  resolveOutputReferences,
} from '../../../src/workflow/output-references.ts';

const outputs: Record<string, Record<string, unknown>> = {
  scale: { replicas: 10, deployment: 'payment', labels: { app: 'pay' } },
  clone: { commitSHA: 'abc123' },
};
const lookup = (step: string) => outputs[step];

describe('resolveOutputReferences', () => {
  const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
    [
      'keeps the JSON type of a whole-string reference',
      { n: '$(steps.scale.outputs.replicas)' },
      { n: 10 },
    ],
    ['keeps objects', { l: '$(steps.scale.outputs.labels)' }, { l: { app: 'pay' } }],
    [
      'interpolates into longer text',
      { m: 'scaled $(steps.scale.outputs.deployment) to $(steps.scale.outputs.replicas)' },
      { m: 'scaled payment to 10' },
    ],
    [
      'renders objects inside text as JSON',
      { m: 'labels=$(steps.scale.outputs.labels)' },
      { m: 'labels={"app":"pay"}' },
    ],
    [
      'walks arrays and nested objects',
      { a: [{ sha: '$(steps.clone.outputs.commitSHA)' }] },
      { a: [{ sha: 'abc123' }] },
    ],
    [
      'leaves other values alone',
      { n: 3, b: true, z: null, s: '$(params.x)' },
      { n: 3, b: true, z: null, s: '$(params.x)' },
    ],
    [
      'never evaluates what an output holds',
      { cmd: '$(steps.clone.outputs.commitSHA)' },
      { cmd: 'abc123' },
    ],
  ];
  for (const [name, inputs, expected] of cases) {
    it(name, () =>
      assert.deepEqual(resolveOutputReferences(inputs, lookup), { ok: true, value: expected }),
    );
  }

  it('reports every missing output', () => {
    const result = resolveOutputReferences(
      { a: '$(steps.scale.outputs.nope)', b: 'x $(steps.ghost.outputs.y)' },
      lookup,
    );
    assert.equal(result.ok, false);
    assert.deepEqual(!result.ok && result.missing.map((reference) => reference.text), [
      '$(steps.scale.outputs.nope)',
      '$(steps.ghost.outputs.y)',
    ]);
  });

  it('does not modify the inputs it is given', () => {
    const inputs = { n: '$(steps.scale.outputs.replicas)' };
    resolveOutputReferences(inputs, lookup);
    assert.deepEqual(inputs, { n: '$(steps.scale.outputs.replicas)' });
  });
});

describe('findOutputReferences', () => {
  it('finds references with the path of the string that holds them', () => {
    const found = findOutputReferences({ x: ['$(steps.a.outputs.b) $(steps.c.outputs.d)'] });
    assert.deepEqual(found, [
      { path: ['x', 0], reference: { step: 'a', key: 'b', text: '$(steps.a.outputs.b)' } },
      { path: ['x', 0], reference: { step: 'c', key: 'd', text: '$(steps.c.outputs.d)' } },
    ]);
  });
});
