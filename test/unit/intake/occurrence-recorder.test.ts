import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WorkflowExecution } from '../../../src/api/workflow-execution.ts';
import { OccurrenceRecorder, type OccurrenceApi } from '../../../src/intake/occurrence-recorder.ts';

/**
 * One run in memory, with the API server's optimistic concurrency: a write must carry the
 * current resourceVersion (else 409) and moves it on. Counts the reads and the writes.
 */
function memoryApi(): OccurrenceApi & {
  writes: WorkflowExecution[];
  reads: number;
  current(): WorkflowExecution;
} {
  let run = {
    apiVersion: 'kubernaut.ai/v1alpha1',
    kind: 'WorkflowExecution',
    metadata: { name: 'hot', namespace: 'default', resourceVersion: '1' },
    spec: {},
  } as unknown as WorkflowExecution;
  const writes: WorkflowExecution[] = [];
  const api = {
    writes,
    reads: 0,
    current: () => structuredClone(run),
    getRun: () => {
      api.reads++;
      return Promise.resolve(structuredClone(run));
    },
    replaceRunStatus: (next: WorkflowExecution) => {
      if (next.metadata.resourceVersion !== run.metadata.resourceVersion) {
        return Promise.reject(Object.assign(new Error('Conflict'), { code: 409 }));
      }
      writes.push(next);
      const version = String(Number(run.metadata.resourceVersion) + 1);
      run = structuredClone({ ...next, metadata: { ...next.metadata, resourceVersion: version } });
      return Promise.resolve(next);
    },
  };
  return api;
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

  it('writes from the cached run without a read; a stale copy costs one 409 and a read', async () => {
    const api = memoryApi();
    let cache = api.current();
    const recorder = new OccurrenceRecorder(api, failOnError, {
      minIntervalMs: 0,
      cachedRun: () => cache,
    });
    recorder.record('default', 'hot', SEEN);
    await recorder.idle();
    assert.equal(api.reads, 0, 'a fresh cache saves the read');
    assert.equal(api.writes.length, 1);

    // The cache still holds the copy from before that write: its resourceVersion is stale.
    recorder.record('default', 'hot', SEEN);
    await recorder.idle();
    assert.equal(api.reads, 1);
    assert.deepEqual(
      api.writes.map((run) => run.status?.occurrences),
      [2, 3],
      'the count built on the fresh read, not on the stale copy',
    );
    cache = api.current();
    recorder.record('default', 'hot', SEEN);
    await recorder.idle();
    assert.equal(api.reads, 1);
    assert.equal(api.current().status?.occurrences, 4);
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
