/**
 * Where each step of a workflow goes in its drawing (pure). Steps are placed in layers by the
 * longest path from a root, so every `runAfter` edge points to a later layer and a step sits
 * as early as its slowest dependency allows (as Argo and Tekton dashboards draw). Within a
 * layer, steps are ordered by the mean row of their dependencies (one barycenter pass, which
 * removes most crossings of the shapes remediations have), ties by spec order.
 */

export interface DagStep {
  name: string;
  runAfter?: readonly string[] | undefined;
}

export interface DagNode {
  name: string;
  layer: number;
  row: number;
  x: number;
  y: number;
}

export interface DagEdge {
  from: string;
  to: string;
  /** Start (right middle of `from`) and end (left middle of `to`). */
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface DagLayout {
  nodes: DagNode[];
  edges: DagEdge[];
  width: number;
  height: number;
}

export interface DagGeometry {
  nodeWidth: number;
  nodeHeight: number;
  layerGap: number;
  rowGap: number;
  margin: number;
}

export const DEFAULT_GEOMETRY: DagGeometry = {
  nodeWidth: 190,
  nodeHeight: 72,
  layerGap: 56,
  rowGap: 20,
  margin: 8,
};

/**
 * Layer of every step: 0 for roots, else 1 + the deepest dependency. Unknown dependencies are
 * ignored and a cycle (an invalid run can hold one) is cut where it closes, so the layout
 * never loops; the run page shows the validation problem beside it.
 */
export function assignLayers(steps: readonly DagStep[]): Map<string, number> {
  const byName = new Map(steps.map((step) => [step.name, step]));
  const layers = new Map<string, number>();
  const visiting = new Set<string>();
  const layerOf = (name: string): number => {
    const known = layers.get(name);
    if (known !== undefined) return known;
    if (visiting.has(name)) return -1;
    visiting.add(name);
    let layer = 0;
    for (const dependency of byName.get(name)?.runAfter ?? []) {
      if (!byName.has(dependency)) continue;
      const below = layerOf(dependency);
      if (below >= 0) layer = Math.max(layer, below + 1);
    }
    visiting.delete(name);
    layers.set(name, layer);
    return layer;
  };
  for (const step of steps) layerOf(step.name);
  return layers;
}

function orderLayers(steps: readonly DagStep[], layers: Map<string, number>): string[][] {
  const columns: string[][] = [];
  for (const step of steps) {
    const layer = layers.get(step.name) ?? 0;
    (columns[layer] ??= []).push(step.name);
  }
  const rowOf = new Map<string, number>();
  const byName = new Map(steps.map((step) => [step.name, step]));
  const specIndex = new Map(steps.map((step, index) => [step.name, index]));
  return columns.map((column) => {
    const keyed = column.map((name) => {
      const rows = (byName.get(name)?.runAfter ?? [])
        .map((dependency) => rowOf.get(dependency))
        .filter((row): row is number => row !== undefined);
      const mean = rows.length === 0 ? Infinity : rows.reduce((a, b) => a + b, 0) / rows.length;
      return { name, mean, index: specIndex.get(name) ?? 0 };
    });
    keyed.sort((a, b) =>
      a.mean === b.mean
        ? a.index - b.index
        : a.mean === Infinity
          ? 1
          : b.mean === Infinity
            ? -1
            : a.mean - b.mean,
    );
    keyed.forEach((entry, row) => rowOf.set(entry.name, row));
    return keyed.map((entry) => entry.name);
  });
}

export function layoutDag(
  steps: readonly DagStep[],
  geometry: DagGeometry = DEFAULT_GEOMETRY,
): DagLayout {
  const unique = steps.filter(
    (step, index) => steps.findIndex((other) => other.name === step.name) === index,
  );
  const columns = orderLayers(unique, assignLayers(unique));
  const { nodeWidth, nodeHeight, layerGap, rowGap, margin } = geometry;
  const tallest = Math.max(0, ...columns.map((column) => column.length));
  const height = tallest === 0 ? 0 : margin * 2 + tallest * nodeHeight + (tallest - 1) * rowGap;
  const nodes: DagNode[] = [];
  columns.forEach((column, layer) => {
    // Shorter columns are centred against the tallest one.
    const offset = ((tallest - column.length) * (nodeHeight + rowGap)) / 2;
    column.forEach((name, row) => {
      nodes.push({
        name,
        layer,
        row,
        x: margin + layer * (nodeWidth + layerGap),
        y: margin + offset + row * (nodeHeight + rowGap),
      });
    });
  });
  const at = new Map(nodes.map((node) => [node.name, node]));
  const edges: DagEdge[] = [];
  for (const step of unique) {
    const to = at.get(step.name);
    for (const dependency of new Set(step.runAfter ?? [])) {
      const from = at.get(dependency);
      if (!from || !to || from.layer >= to.layer) continue;
      edges.push({
        from: from.name,
        to: to.name,
        x1: from.x + nodeWidth,
        y1: from.y + nodeHeight / 2,
        x2: to.x,
        y2: to.y + nodeHeight / 2,
      });
    }
  }
  const width =
    columns.length === 0
      ? 0
      : margin * 2 + columns.length * nodeWidth + (columns.length - 1) * layerGap;
  return { nodes, edges, width, height };
}
