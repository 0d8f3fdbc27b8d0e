/**
 * Which members are alive, from their Leases. A Lease counts until `leaseDurationSeconds`
 * after this replica last SAW it change, not after the `renewTime` written in it: that is
 * client-go's leader-election rule, and it makes membership immune to clock skew between
 * nodes (only durations on one clock are compared).
 */
export interface ObservedLease {
  identity: string;
  durationMs: number;
  /** When this replica last observed a new resourceVersion of the Lease (its own clock). */
  observedAtMs: number;
}

export interface LiveMembers {
  /** Sorted, so equal sets compare equal. */
  members: string[];
  /** When the next live member expires unless renewed, to re-evaluate then. */
  nextExpiryMs?: number;
}

export function liveMembers(leases: Iterable<ObservedLease>, nowMs: number): LiveMembers {
  const members: string[] = [];
  let nextExpiryMs: number | undefined;
  for (const lease of leases) {
    const expiresAt = lease.observedAtMs + lease.durationMs;
    if (expiresAt <= nowMs) continue;
    members.push(lease.identity);
    nextExpiryMs = nextExpiryMs === undefined ? expiresAt : Math.min(nextExpiryMs, expiresAt);
  }
  members.sort();
  return nextExpiryMs === undefined ? { members } : { members, nextExpiryMs };
}

export function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((member, index) => member === b[index]);
}
