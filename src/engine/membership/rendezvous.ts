/**
 * Rendezvous (highest random weight) hashing: a run belongs to the member whose hash of
 * (member, run) is highest. Every replica computes the same owner from the same member list,
 * with no coordination, and when a member joins or leaves only the runs it gains or loses
 * move (about 1/n of them), unlike `hash mod n`, which reshuffles nearly everything.
 */
import { hash } from 'node:crypto';

function weight(member: string, key: string): bigint {
  // SHA-256 rather than a fast non-cryptographic hash: HRW needs weights that are
  // independent across members, and a weak hash correlates them (skewing the shares).
  return hash('sha256', `${member}\u0000${key}`, 'buffer').readBigUInt64BE(0);
}

/** The owner of `key` among `members`; undefined when there are none. */
export function ownerOf(key: string, members: readonly string[]): string | undefined {
  let owner: string | undefined;
  let best = -1n;
  for (const member of members) {
    const score = weight(member, key);
    // Ties (astronomically rare) go to the smaller name, so every replica agrees.
    if (score > best || (score === best && owner !== undefined && member < owner)) {
      owner = member;
      best = score;
    }
  }
  return owner;
}
