/**
 * The dependency graph of a workflow's steps (edges from each step to the steps it runs
 * after). Tolerates unknown names and cycles so that validation can report them.
 */

export interface StepNode {
  name: string;
  runAfter: readonly string[];
}

export class StepGraph {
  readonly index: ReadonlyMap<string, number>;
  readonly steps: readonly StepNode[];

  constructor(steps: readonly StepNode[]) {
    this.steps = steps;
    const index = new Map<string, number>();
    steps.forEach((step, position) => {
      if (!index.has(step.name)) index.set(step.name, position);
    });
    this.index = index;
  }

  /** Indexes of the known steps that `position` runs after. */
  dependencies(position: number): number[] {
    const result: number[] = [];
    for (const name of this.steps[position]?.runAfter ?? []) {
      const dependency = this.index.get(name);
      if (dependency !== undefined && dependency !== position) result.push(dependency);
    }
    return result;
  }

  /**
   * Finds one cycle, as step names following runAfter from a step back to itself, or
   * undefined when the graph is acyclic. Iterative DFS: O(steps + edges), no stack overflow.
   */
  findCycle(): string[] | undefined {
    const state = new Uint8Array(this.steps.length); // 0 new, 1 on stack, 2 done
    for (let root = 0; root < this.steps.length; root++) {
      if (state[root] !== 0) continue;
      const stack: { node: number; next: number; deps: number[] }[] = [];
      const push = (node: number): void => {
        state[node] = 1;
        stack.push({ node, next: 0, deps: this.dependencies(node) });
      };
      push(root);
      while (stack.length > 0) {
        const frame = stack[stack.length - 1];
        if (!frame) break;
        const dependency = frame.deps[frame.next++];
        if (dependency === undefined) {
          state[frame.node] = 2;
          stack.pop();
        } else if (state[dependency] === 1) {
          const start = stack.findIndex((entry) => entry.node === dependency);
          // The stack runs from each step to a step it runs after: a -> b means a waits for b.
          const cycle = stack.slice(start).map((entry) => this.nameOf(entry.node));
          return [...cycle, this.nameOf(dependency)];
        } else if (state[dependency] === 0) {
          push(dependency);
        }
      }
    }
    return undefined;
  }

  /** Kahn's order: every step after the steps it runs after. Undefined when cyclic. */
  topologicalOrder(): number[] | undefined {
    const waiting = this.steps.map((_, position) => this.dependencies(position).length);
    const dependents: number[][] = this.steps.map(() => []);
    this.steps.forEach((_, position) => {
      for (const dependency of this.dependencies(position)) dependents[dependency]?.push(position);
    });
    const order: number[] = [];
    const ready = waiting.flatMap((count, position) => (count === 0 ? [position] : []));
    for (let next = ready.shift(); next !== undefined; next = ready.shift()) {
      order.push(next);
      for (const dependent of dependents[next] ?? []) {
        const left = (waiting[dependent] ?? 0) - 1;
        waiting[dependent] = left;
        if (left === 0) ready.push(dependent);
      }
    }
    return order.length === this.steps.length ? order : undefined;
  }

  /** Every step that must succeed before `position` may start (transitively). */
  ancestors(position: number): Set<number> {
    const seen = new Set<number>();
    const pending = this.dependencies(position);
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      if (seen.has(next)) continue;
      seen.add(next);
      pending.push(...this.dependencies(next));
    }
    return seen;
  }

  private nameOf(position: number): string {
    return this.steps[position]?.name ?? String(position);
  }
}
