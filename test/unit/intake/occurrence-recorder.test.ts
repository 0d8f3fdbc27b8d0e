import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WorkflowExecution } from '../../../src/api/workflow-execution.ts';
import { OccurrenceRecorder, type OccurrenceApi } from '../../../src/intake/occurrence-recorder.ts';

/** One run in memory; counts the status writes it takes. */
function memoryApi(): OccurrenceApi & { writes: WorkflowExecution[] } {
  let run = {
    apiVersion: 'kubernaut.ai/v1alpha1',
    kind: 'WorkflowExecution',
    metadata: { name: 'hot', namespace: 'default', resourceVersion: '1' },
    spec: {},
  } as unknown as WorkflowExecution;
  const writes: WorkflowExecution[] = [];
  return {
    writes,
    getRun: () => Promise.resolve(structuredClone(run)),
    replaceRunStatus: (next) => {
      writes.push(next);
      run = structuredClone(next);
      return Promise.resolve(next);
    },
  };
}

const SEEN = new Date('2026-11-27T10:00:00Z');

const failOnError = (error: unknown): never => {
  throw error;
};

describe('OccurrenceRecorder', () => {
  it('writes the first repeat at once, then folds a storm into one write per interval', async () => {
    const api = memoryApi();
    // An interval no test waits out: only drain() can end it.
    const recorder = new OccurrenceRecorder(api, failOnError, { minIntervalMs: 600_000 });
    recorder.record('default', 'hot', SEEN);
    await recorder.idle();
    assert.equal(api.writes.length, 1);
    assert.equal(api.writes[0]?.status?.occurrences, 2);

    for (let index = 1; index <= 500; index++) {
      recorder.record('default', 'hot', new Date(SEEN.getTime() + index * 1000));
    }
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(api.writes.length, 1, 'repeats within the interval wait for the next write');

    await recorder.drain();
    assert.equal(api.writes.length, 2);
    assert.equal(api.writes[1]?.status?.occurrences, 502);
    assert.equal(
      api.writes[1]?.status?.lastSeenAt,
      new Date(SEEN.getTime() + 500_000).toISOString(),
    );
  });

  it('with no interval, writes again as soon as the last write ends', async () => {
    const api = memoryApi();
    const recorder = new OccurrenceRecorder(api, failOnError, { minIntervalMs: 0 });
    recorder.record('default', 'hot', SEEN);
    recorder.record('default', 'hot', SEEN);
    await recorder.idle();
    recorder.record('default', 'hot', SEEN);
    await recorder.idle();
    assert.deepEqual(
      api.writes.map((run) => run.status?.occurrences),
      [2, 3, 4],
    );
  });
});
