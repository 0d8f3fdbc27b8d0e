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

export class MemberAssignment implements RunAssignment {
  private members: readonly string[] = [];
  private readonly listeners: (() => void)[] = [];
  readonly identity: string;

  constructor(identity: string) {
    this.identity = identity;
  }

  get currentMembers(): readonly string[] {
    return this.members;
  }

  setMembers(members: readonly string[]): void {
    this.members = [...members];
    for (const listener of this.listeners) listener();
  }

  owns(runUid: string): boolean {
    if (!this.members.includes(this.identity)) return false;
    return ownerOf(runUid, this.members) === this.identity;
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }
}
