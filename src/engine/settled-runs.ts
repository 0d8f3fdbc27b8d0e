/**
 * Runs whose last status write finished them, with the children that plan saw. The watch
 * event of that write brings the run back to the queue, and the reconcile it starts has
 * nothing to do: a finished run only tidies its children, and the write came from a plan of
 * this very run and these very children. That reconcile is skipped, once, when the cached
 * run is still our write (same resourceVersion) and its children are unchanged (same names
 * and resourceVersions, the same workspace claim). Anything else, a child event included,
 * reconciles in full. This halves the reconciles of a storm of runs that finish in one pass
 * (dry runs), the way client-go controllers use expectations to skip work they already know
 * the outcome of.
 */
import type { KubernetesObject } from '@kubernetes/client-node';

interface Settled {
  resourceVersion: string;
  children: string;
}

/** Past this many unclaimed entries (runs deleted before their event came), start again. */
const MAX_SETTLED = 50_000;

export class SettledRuns {
  private readonly settled = new Map<string, Settled>();

  /** After a write that finished `key`, answered with `resourceVersion`. */
  settle(key: string, resourceVersion: string | undefined, children: string): void {
    if (resourceVersion === undefined) return;
    if (this.settled.size >= MAX_SETTLED) this.settled.clear();
    this.settled.set(key, { resourceVersion, children });
  }

  /**
   * True, once, when the run and its children are exactly as that write left them. The
   * children are only looked at when there is a record: most reconciles have none.
   */
  claim(key: string, resourceVersion: string | undefined, children: () => string): boolean {
    const settled = this.settled.get(key);
    if (settled === undefined) return false;
    this.settled.delete(key);
    return settled.resourceVersion === resourceVersion && settled.children === children();
  }

  forget(key: string): void {
    this.settled.delete(key);
  }
}

/** A run's children as the caches hold them: what a plan of the run observes. */
export interface RunChildren {
  attempts: readonly KubernetesObject[];
  workspaceExists: boolean;
}

/** The state of a run's children a plan depends on, as one comparable string. */
export function childrenState(children: RunChildren): string {
  const versions = children.attempts.map(
    (attempt) => `${attempt.metadata?.name ?? ''}@${attempt.metadata?.resourceVersion ?? ''}`,
  );
  return `${versions.sort().join(',')}|claim=${String(children.workspaceExists)}`;
}
