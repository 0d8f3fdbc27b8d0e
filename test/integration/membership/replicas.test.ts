/**
 * Several dispatcher replicas on one cluster: Leases make them members, rendezvous hashing
 * shares the runs, a crashed member's runs are taken over once its Lease expires, and a
 * member that leaves cleanly hands its runs over at once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoordinationV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { Engine } from '../../../src/engine/engine.ts';
import { MemberAssignment } from '../../../src/engine/membership/assignment.ts';
import { LeaseMembership } from '../../../src/engine/membership/lease-membership.ts';
import { sameMembers } from '../../../src/engine/membership/live-members.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { createMetrics, type Metrics } from '../../../src/observability/metrics.ts';
import { ImageCatalog } from '../../../wrangler-free-local/cluster/image-catalog.ts';
import { submitRun } from '../../fixtures/submit-run.ts';
import { waitForRuns } from '../../fixtures/wait-for-runs.ts';
import {
  digestOf,
  imageOf,
  startTestLocalCluster,
  type TestLocalCluster,
} from '../cluster/start-local-cluster.ts';

const LEASE_MS = 4_000;
const RENEW_MS = 500;
let membershipChanges = 0;

interface Replica {
  identity: string;
  engine: Engine;
  metrics: Metrics;
  membership: LeaseMembership;
  assignment: MemberAssignment;
}

async function jobCreates(replica: Replica): Promise<{ created: number; conflicts: number }> {
  const counts = { created: 0, conflicts: 0 };
  for (const value of (await replica.metrics.kubeRequests.get()).values) {
    if (value.labels.verb !== 'create' || value.labels.resource !== 'jobs') continue;
    if (String(value.labels.code).startsWith('2')) counts.created += value.value;
    if (value.labels.code === '409' || value.labels.code === 409) counts.conflicts += value.value;
  }
  return counts;
}

/** Resolves when the replica's view of the members is exactly `members`. */
function membersBecome(replica: Replica, members: string[]): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (sameMembers(replica.assignment.currentMembers, members)) resolve();
    };
    replica.assignment.onChange(check);
    check();
  });
}

describe('replicas share runs through Leases', () => {
  let cluster: TestLocalCluster;
  let api: CustomObjectsApi;
  const replicas = new Map<string, Replica>();
  const image = imageOf('exit-ok');

  async function startReplica(identity: string): Promise<Replica> {
    const assignment = new MemberAssignment(identity);
    const membership = new LeaseMembership({
      kc: cluster.kc,
      namespace: 'default',
      identity,
      leaseDurationMs: LEASE_MS,
      renewIntervalMs: RENEW_MS,
      onMembersChanged: (members) => {
        membershipChanges++;
        assignment.setMembers(members);
      },
    });
    const metrics = createMetrics({ defaultMetrics: false });
    const engine = new Engine({
      kc: cluster.kc,
      logger: createLogger('silent'),
      metrics,
      assignment,
    });
    await membership.start();
    await engine.start();
    const replica = { identity, engine, metrics, membership, assignment };
    replicas.set(identity, replica);
    return replica;
  }

  const submitAll = async (prefix: string, count: number): Promise<string[]> => {
    const names = Array.from({ length: count }, (_, index) => `${prefix}-${String(index)}`);
    await Promise.all(
      names.map((name) =>
        submitRun(api, name, {
          workflowType: 'replicas',
          steps: [{ name: 'only', actionType: 'test/exit', image }],
        }),
      ),
    );
    return names;
  };

  before(async () => {
    const catalog = new ImageCatalog().add(digestOf('exit-ok'), {
      entrypoint: ['/bin/sh', '-c', 'echo "{}"'],
    });
    cluster = await startTestLocalCluster({ catalog });
    api = cluster.kc.makeApiClient(CustomObjectsApi);
    for (const identity of ['a', 'b', 'c']) await startReplica(identity);
  });

  after(async () => {
    for (const replica of replicas.values()) {
      await replica.engine.stop();
      await replica.membership.release();
    }
    await cluster.close();
  });

  it('every replica sees all three members, and each run runs once, on one of them', async () => {
    await Promise.all(
      [...replicas.values()].map((replica) => membersBecome(replica, ['a', 'b', 'c'])),
    );
    const changesBefore = membershipChanges;
    const names = await submitAll('shared', 30);
    const runs = await waitForRuns(cluster.kc, names, 60_000);
    assert.deepEqual(
      runs.map((run) => run.status?.phase),
      names.map(() => 'Succeeded'),
    );
    const creates = await Promise.all([...replicas.values()].map(jobCreates));
    assert.equal(
      creates.reduce((sum, count) => sum + count.created, 0),
      30,
      'one Job per run',
    );
    // Two replicas may both act only while runs move: with a stable membership, never.
    if (membershipChanges === changesBefore)
      assert.equal(
        creates.reduce((sum, count) => sum + count.conflicts, 0),
        0,
        'no replica tried to create a Job another one owned',
      );
    for (const [index, count] of creates.entries())
      assert.ok(count.created > 0, `replica ${String(index)} executed no run`);
  });

  it('takes a crashed replica’s runs over once its Lease expires', async () => {
    const crashed = replicas.get('c');
    assert.ok(crashed);
    const before = await jobCreates(crashed);
    await crashed.engine.stop();
    await crashed.membership.abandon();
    replicas.delete('c');
    const crashedAt = performance.now();
    const survivors = [...replicas.values()];
    const takeover = Promise.all(survivors.map((replica) => membersBecome(replica, ['a', 'b'])));
    // Submitted at once: some of these hash to `c` and wait for the takeover.
    const names = await submitAll('takeover', 20);
    await takeover;
    const takeoverMs = performance.now() - crashedAt;
    // Not at once, as after a clean leave: the dead member's lease ran out first. It counts
    // from its last renewal, one interval (or, on a loaded machine, a little more) before.
    assert.ok(
      takeoverMs >= LEASE_MS / 2,
      `members changed before the lease expired (${String(takeoverMs)} ms)`,
    );
    assert.ok(takeoverMs <= LEASE_MS + 2_000, `takeover took ${String(takeoverMs)} ms`);
    const runs = await waitForRuns(cluster.kc, names, 60_000);
    assert.ok(runs.every((run) => run.status?.phase === 'Succeeded'));
    assert.deepEqual(await jobCreates(crashed), before, 'the crashed replica did nothing more');
  });

  it('hands runs over at once when a replica leaves cleanly', async () => {
    const leaving = replicas.get('b');
    const staying = replicas.get('a');
    assert.ok(leaving && staying);
    const handover = membersBecome(staying, ['a']);
    const leftAt = performance.now();
    await leaving.engine.stop();
    await leaving.membership.release();
    replicas.delete('b');
    await handover;
    assert.ok(
      performance.now() - leftAt < LEASE_MS,
      'the survivor saw the Lease deleted, not expired',
    );
    const names = await submitAll('handover', 10);
    const runs = await waitForRuns(cluster.kc, names, 60_000);
    assert.ok(runs.every((run) => run.status?.phase === 'Succeeded'));
  });

  it('takes over a Lease of its name that lacks the membership label, and counts itself', async () => {
    await cluster.kc.makeApiClient(CoordinationV1Api).createNamespacedLease({
      namespace: 'default',
      body: {
        metadata: { name: 'kubernaut-dispatcher-d' },
        spec: { holderIdentity: 'someone-else', leaseDurationSeconds: 60 },
      },
    });
    const replica = await startReplica('d');
    await membersBecome(replica, ['a', 'd']);
  });
});
