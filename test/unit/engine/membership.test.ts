import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemberAssignment } from '../../../src/engine/membership/assignment.ts';
import { liveMembers } from '../../../src/engine/membership/live-members.ts';
import { ownerOf } from '../../../src/engine/membership/rendezvous.ts';

const uids = Array.from({ length: 3000 }, (_, index) => `uid-${String(index)}`);
const ownersBy = (members: string[]): Map<string, string | undefined> =>
  new Map(uids.map((uid) => [uid, ownerOf(uid, members)]));

describe('rendezvous hashing', () => {
  it('has no owner without members and one owner with one member', () => {
    assert.equal(ownerOf('x', []), undefined);
    assert.equal(ownerOf('x', ['a']), 'a');
  });

  it('gives the owners every earlier version gave (replicas of mixed versions must agree)', () => {
    const members = ['kubernaut-dispatcher-0', 'kubernaut-dispatcher-1', 'kubernaut-dispatcher-2'];
    assert.equal(ownerOf('uid-1', members), 'kubernaut-dispatcher-2');
    assert.equal(
      ownerOf('4c1f7a3e-0b9d-4d6e-9a51-2f0c8e7b6d13', members),
      'kubernaut-dispatcher-1',
    );
    assert.equal(ownerOf('run-xyz', members), 'kubernaut-dispatcher-1');
  });

  it('agrees whatever the order of the member list', () => {
    for (const uid of uids.slice(0, 200))
      assert.equal(ownerOf(uid, ['a', 'b', 'c']), ownerOf(uid, ['c', 'a', 'b']));
  });

  it('shares runs evenly among three members', () => {
    const counts = new Map<string, number>();
    for (const owner of ownersBy(['a', 'b', 'c']).values())
      counts.set(owner ?? '', (counts.get(owner ?? '') ?? 0) + 1);
    assert.deepEqual([...counts.keys()].sort(), ['a', 'b', 'c']);
    for (const count of counts.values())
      assert.ok(count / uids.length < 0.4, `share ${String(count)}`);
  });

  it('moves only the leaving member’s runs when a member leaves', () => {
    const before = ownersBy(['a', 'b', 'c']);
    const after = ownersBy(['a', 'c']);
    for (const uid of uids) {
      if (before.get(uid) !== 'b') assert.equal(after.get(uid), before.get(uid), uid);
      else assert.notEqual(after.get(uid), 'b');
    }
  });

  it('moves runs only to the new member when a member joins', () => {
    const before = ownersBy(['a', 'b']);
    const after = ownersBy(['a', 'b', 'c']);
    let moved = 0;
    for (const uid of uids) {
      if (after.get(uid) === before.get(uid)) continue;
      assert.equal(after.get(uid), 'c', uid);
      moved++;
    }
    assert.ok(moved > uids.length / 4 && moved < uids.length / 2, `moved ${String(moved)}`);
  });
});

describe('liveMembers', () => {
  const lease = (identity: string, observedAtMs: number, durationMs = 15_000) => ({
    identity,
    observedAtMs,
    durationMs,
  });

  for (const [name, leases, now, members, nextExpiry] of [
    ['no leases', [], 0, [], undefined],
    ['fresh leases, sorted', [lease('b', 0), lease('a', 5_000)], 10_000, ['a', 'b'], 15_000],
    ['an expired lease is gone', [lease('a', 0), lease('b', 10_000)], 15_000, ['b'], 25_000],
    ['expiry is exclusive', [lease('a', 0, 1_000)], 1_000, [], undefined],
  ] as const) {
    it(name, () => {
      const live = liveMembers(leases, now);
      assert.deepEqual(live.members, members);
      assert.equal(live.nextExpiryMs, nextExpiry);
    });
  }
});

describe('MemberAssignment', () => {
  it('owns nothing until it is a live member itself', () => {
    const assignment = new MemberAssignment('a');
    assert.equal(assignment.owns('uid-1'), false);
    assignment.setMembers(['b', 'c']);
    assert.equal(assignment.owns('uid-1'), false);
    assignment.setMembers(['a']);
    assert.equal(assignment.owns('uid-1'), true);
  });

  it('answers for the current member list, not the one it answered for before', () => {
    const assignment = new MemberAssignment('a');
    assignment.setMembers(['a', 'b', 'c']);
    const before = uids.filter((uid) => assignment.owns(uid));
    assert.deepEqual(
      before,
      uids.filter((uid) => ownerOf(uid, ['a', 'b', 'c']) === 'a'),
    );
    assignment.setMembers(['a', 'b']);
    const after = uids.filter((uid) => assignment.owns(uid));
    assert.deepEqual(
      after,
      uids.filter((uid) => ownerOf(uid, ['a', 'b']) === 'a'),
    );
    assert.ok(after.length > before.length);
  });

  it('tells its listeners when the members change', () => {
    const assignment = new MemberAssignment('a');
    const seen: string[][] = [];
    assignment.onChange(() => seen.push([...assignment.currentMembers]));
    assignment.setMembers(['a', 'b']);
    assert.deepEqual(seen, [['a', 'b']]);
  });
});
