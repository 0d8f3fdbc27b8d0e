import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assignLayers,
  DEFAULT_GEOMETRY,
  layoutDag,
  type DagStep,
} from '../../../src/ui/layout-dag.ts';

const steps = (spec: Record<string, string[]>): DagStep[] =>
  Object.entries(spec).map(([name, runAfter]) => ({ name, runAfter }));

describe('assignLayers: the longest path from a root', () => {
  const cases: { name: string; dag: Record<string, string[]>; layers: Record<string, number> }[] = [
    { name: 'one step', dag: { a: [] }, layers: { a: 0 } },
    { name: 'a chain', dag: { a: [], b: ['a'], c: ['b'] }, layers: { a: 0, b: 1, c: 2 } },
    {
      name: 'fan-out then join',
      dag: { a: [], b: ['a'], c: ['a'], d: ['b', 'c'] },
      layers: { a: 0, b: 1, c: 1, d: 2 },
    },
    {
      name: 'a shortcut edge does not pull a step earlier (longest path wins)',
      dag: { a: [], b: ['a'], c: ['b'], d: ['a', 'c'] },
      layers: { a: 0, b: 1, c: 2, d: 3 },
    },
    {
      name: 'independent roots share layer 0',
      dag: { x: [], y: [], z: ['x', 'y'] },
      layers: { x: 0, y: 0, z: 1 },
    },
    {
      name: 'order of the spec does not matter',
      dag: { d: ['b', 'c'], c: ['a'], b: ['a'], a: [] },
      layers: { a: 0, b: 1, c: 1, d: 2 },
    },
    {
      name: 'unknown dependencies are ignored',
      dag: { a: ['ghost'], b: ['a'] },
      layers: { a: 0, b: 1 },
    },
    {
      name: 'a cycle (an invalid run) is cut, not looped',
      dag: { a: ['b'], b: ['a'], c: ['b'] },
      layers: { a: 1, b: 0, c: 1 },
    },
  ];
  for (const { name, dag, layers } of cases) {
    it(name, () => {
      assert.deepEqual(Object.fromEntries(assignLayers(steps(dag))), layers);
    });
  }
});

describe('layoutDag', () => {
  const { nodeWidth, nodeHeight, layerGap, rowGap, margin } = DEFAULT_GEOMETRY;

  it('places layers left to right and rows top to bottom, with the canvas around them', () => {
    const layout = layoutDag(steps({ a: [], b: ['a'], c: ['a'], d: ['b', 'c'] }));
    const at = Object.fromEntries(layout.nodes.map((node) => [node.name, node]));
    assert.equal(at['a']?.x, margin);
    assert.equal(at['b']?.x, margin + nodeWidth + layerGap);
    assert.equal(at['d']?.x, margin + 2 * (nodeWidth + layerGap));
    assert.equal(at['b']?.y, margin);
    assert.equal(at['c']?.y, margin + nodeHeight + rowGap);
    // A single node is centred against the tallest column.
    assert.equal(at['a']?.y, margin + (nodeHeight + rowGap) / 2);
    assert.equal(layout.width, margin * 2 + 3 * nodeWidth + 2 * layerGap);
    assert.equal(layout.height, margin * 2 + 2 * nodeHeight + rowGap);
  });

  it('draws one edge per runAfter entry, from the right of the dependency to the left of the step', () => {
    const layout = layoutDag(steps({ a: [], b: ['a', 'a'], c: ['a', 'b'] }));
    assert.deepEqual(layout.edges.map((edge) => `${edge.from}->${edge.to}`).sort(), [
      'a->b',
      'a->c',
      'b->c',
    ]);
    const ab = layout.edges.find((edge) => edge.from === 'a' && edge.to === 'b');
    const a = layout.nodes.find((node) => node.name === 'a');
    const b = layout.nodes.find((node) => node.name === 'b');
    assert.deepEqual(
      [ab?.x1, ab?.y1, ab?.x2, ab?.y2],
      [(a?.x ?? 0) + nodeWidth, (a?.y ?? 0) + nodeHeight / 2, b?.x, (b?.y ?? 0) + nodeHeight / 2],
    );
  });

  it('orders a layer by the rows of its dependencies, so parallel chains do not cross', () => {
    // Spec order would put y2 above x2; the barycenter keeps each chain on its own row.
    const layout = layoutDag(steps({ x1: [], y1: [], y2: ['y1'], x2: ['x1'] }));
    const row = Object.fromEntries(layout.nodes.map((node) => [node.name, node.row]));
    assert.deepEqual(row, { x1: 0, y1: 1, x2: 0, y2: 1 });
  });

  it('is pure and deterministic, and empty for no steps', () => {
    const input = steps({ a: [], b: ['a'], c: ['a'] });
    const copy = structuredClone(input);
    assert.deepEqual(layoutDag(input), layoutDag(input));
    assert.deepEqual(input, copy);
    assert.deepEqual(layoutDag([]), { nodes: [], edges: [], width: 0, height: 0 });
  });

  it('never draws an edge backwards, even for a cycle', () => {
    const layout = layoutDag(steps({ a: ['b'], b: ['a'] }));
    for (const edge of layout.edges) assert.ok(edge.x2 > edge.x1, `${edge.from}->${edge.to}`);
  });
});
