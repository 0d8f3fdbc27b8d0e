/**
 * Which runs this replica executes. Every replica serves HTTP; execution is shared by
 * rendezvous hashing of the run's uid over the live members. A replica that is not (or no
 * longer) a live member in its own view owns nothing: if it cannot renew its Lease, it stops
 * acting before the others take its runs over.
 */
import { ownerOf } from './rendezvous.ts';

export interface RunAssignment {
  owns(runUid: string): boolean;
  /** Called after the member list changed: owned runs may have moved. */
  onChange(listener: () => void): void;
}

/** One replica, no Leases: it owns every run (local mode, or membership turned off). */
export const ownEverything: RunAssignment = {
  owns: () => true,
  onChange: () => undefined,
};

/** Answers remembered per member list; past this many the memo starts again. */
const MAX_REMEMBERED = 100_000;

export class MemberAssignment implements RunAssignment {
  private members: readonly string[] = [];
  private readonly listeners: (() => void)[] = [];
  /**
   * `owns` per run uid for the current member list. The engine asks on every event and
   * every reconcile of a run, and each answer costs a SHA-256 per member.
   */
  private readonly owned = new Map<string, boolean>();
  readonly identity: string;

  constructor(identity: string) {
    this.identity = identity;
  }

  get currentMembers(): readonly string[] {
    return this.members;
  }

  setMembers(members: readonly string[]): void {
    this.members = [...members];
    this.owned.clear();
    for (const listener of this.listeners) listener();
  }

  owns(runUid: string): boolean {
    const remembered = this.owned.get(runUid);
    if (remembered !== undefined) return remembered;
    const owns =
      this.members.includes(this.identity) && ownerOf(runUid, this.members) === this.identity;
    if (this.owned.size >= MAX_REMEMBERED) this.owned.clear();
    this.owned.set(runUid, owns);
    return owns;
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }
}
