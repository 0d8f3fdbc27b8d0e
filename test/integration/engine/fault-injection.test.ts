/**
 * The engine under a hostile API server: 10% of answers are errors (500 or 429, and 409 to
 * updates) and every watch
 * is cut every 2 seconds. All 200 runs still finish correctly, and no step attempt ever gets
 * more than one Job.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { retryOnError } from '../../../src/kube/retry.ts';
import { waitForRuns } from '../../fixtures/wait-for-runs.ts';
import { digestOf, imageOf } from '../cluster/start-local-cluster.ts';
import { startEngineHarness, type EngineHarness } from './engine-harness.ts';

const RUN_COUNT = 200;

describe('V1 engine under API faults and cut watches', () => {
  let harness: EngineHarness;
  before(async () => {
    harness = await startEngineHarness({}, { faults: { watchCutSeconds: 2, seed: 42 } });
    harness.cluster.catalog.add(digestOf('quick'), {
      entrypoint: ['/bin/sh', '-c', 'echo "{\\"ok\\":true}"'],
    });
  });
  after(async () => {
    await harness.close();
  });

  it(`finishes ${String(RUN_COUNT)} runs with exactly one Job per step attempt`, async () => {
    harness.cluster.server.faults.configure({
      errors: [
        // A real API server answers 409 to writes of a stale object; a create answers 409
        // only when the object exists, which the engine rightly takes as adoption.
        { verb: 'update', code: 409, rate: 0.05 },
        { verb: 'patch', code: 409, rate: 0.05 },
        { code: 500, rate: 0.033 },
        { code: 429, rate: 0.034 },
      ],
    });
    const image = imageOf('quick');
    const names = Array.from({ length: RUN_COUNT }, (_, index) => `faulty-${String(index)}`);
    for (const name of names) {
      // The test is a client too: it retries what the faults break, like any client would.
      await retryOnError(
        () =>
          harness.submit(name, [
            { name: 'a', actionType: 'x', image },
            { name: 'b', actionType: 'x', image, runAfter: ['a'] },
          ]),
        {
          retriable: () => true,
          attempts: 20,
        },
      ).catch((error: unknown) => {
        // A 409 on create may mean an earlier try landed: the run exists, which is fine.
        if ((error as { code?: number }).code !== 409) throw error;
      });
    }
    const finished = await waitForRuns(harness.cluster.kc, names, 150_000);
    harness.cluster.server.faults.configure({ errors: [] });
    const phases = new Map<string, number>();
    for (const run of finished)
      phases.set(run.status?.phase ?? '', (phases.get(run.status?.phase ?? '') ?? 0) + 1);
    assert.deepEqual([...phases], [['Succeeded', RUN_COUNT]]);

    const jobs = (
      await harness.batch.listNamespacedJob({
        namespace: 'default',
        labelSelector: 'app.kubernetes.io/managed-by=kubernaut-dispatcher',
      })
    ).items;
    const jobsByRun = new Map<string, string[]>();
    for (const job of jobs) {
      const uid = job.metadata?.labels?.['kubernaut.ai/run-uid'] ?? '';
      jobsByRun.set(uid, [...(jobsByRun.get(uid) ?? []), job.metadata?.name ?? '']);
    }
    for (const run of finished) {
      const expected = (run.status?.steps ?? []).flatMap((step) =>
        Array.from(
          { length: step.attempt },
          (_, index) => `${run.metadata.name ?? ''}-${step.name}-${String(index + 1)}`,
        ),
      );
      assert.deepEqual(
        (jobsByRun.get(run.metadata.uid ?? '') ?? []).sort(),
        expected.sort(),
        `${run.metadata.name ?? ''}: one Job per attempt`,
      );
    }
  });
});
