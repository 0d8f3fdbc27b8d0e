import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkQueue, type ReconcileResult } from '../../../src/engine/work-queue.ts';
import { FakeTimers } from '../../fixtures/fake-timers.ts';

/** A reconcile whose calls are recorded and which the test releases one by one. */
function gatedProcess() {
  const calls: string[] = [];
  const gates: (() => void)[] = [];
  let running = 0;
  let maxRunning = 0;
  const process = async (key: string): Promise<ReconcileResult | undefined> => {
    calls.push(key);
    running++;
    maxRunning = Math.max(maxRunning, running);
    await new Promise<void>((resolve) => gates.push(resolve));
    running--;
    return undefined;
  };
  const releaseAll = async (queue: WorkQueue) => {
    while (gates.length > 0 || queue.depth > 0) {
      gates.splice(0).forEach((release) => release());
      await new Promise((resolve) => setImmediate(resolve));
    }
    await queue.onIdle();
  };
  return { process, calls, releaseAll, maxRunning: () => maxRunning };
}

describe('WorkQueue', () => {
  it('coalesces repeated adds of a waiting key', async () => {
    const calls: string[] = [];
    const queue = new WorkQueue({ concurrency: 1, process: async (key) => void calls.push(key) });
    queue.add('a');
    queue.add('b');
    queue.add('b');
    queue.add('b');
    await queue.onIdle();
    assert.deepEqual(calls, ['a', 'b']);
  });

  it('never processes one key twice at once, and reruns a key added while it ran', async () => {
    const gated = gatedProcess();
    const queue = new WorkQueue({ concurrency: 4, process: gated.process });
    queue.add('a');
    await new Promise((resolve) => setImmediate(resolve));
    queue.add('a');
    queue.add('a');
    await gated.releaseAll(queue);
    assert.deepEqual(gated.calls, ['a', 'a']);
    assert.equal(gated.maxRunning(), 1);
  });

  it('caps global concurrency', async () => {
    const gated = gatedProcess();
    const queue = new WorkQueue({ concurrency: 2, process: gated.process });
    for (const key of ['a', 'b', 'c', 'd', 'e']) queue.add(key);
    await gated.releaseAll(queue);
    assert.equal(gated.calls.length, 5);
    assert.equal(gated.maxRunning(), 2);
  });

  it('retries a failing key with capped exponential backoff', async () => {
    const timers = new FakeTimers(0);
    let attempts = 0;
    const delays: number[] = [];
    const queue = new WorkQueue({
      concurrency: 1,
      timers,
      baseBackoffMs: 100,
      maxBackoffMs: 300,
      process: async () => {
        attempts++;
        if (attempts < 5) throw new Error('API said 500');
        return undefined;
      },
      onError: (_key, _error, retryInMs) => delays.push(retryInMs),
    });
    queue.add('a');
    await queue.onIdle();
    for (const delay of [100, 200, 300, 300]) {
      const before = attempts;
      timers.advance(delay - 1);
      await queue.onIdle();
      assert.equal(attempts, before, `no retry before ${delay} ms`);
      timers.advance(1);
      await queue.onIdle();
      assert.equal(attempts, before + 1, `a retry after ${delay} ms`);
    }
    assert.deepEqual(delays, [100, 200, 300, 300]);
    assert.equal(timers.size, 0, 'a success stops the retries');
  });

  it('honours a requested requeue time, and an add before it runs the key at once', async () => {
    const timers = new FakeTimers(0);
    const calls: number[] = [];
    const queue = new WorkQueue({
      concurrency: 1,
      timers,
      process: async () => {
        calls.push(timers.now());
        return calls.length === 1 ? { requeueAtMs: 5_000 } : undefined;
      },
    });
    queue.add('a');
    await queue.onIdle();
    timers.advance(4_999);
    await queue.onIdle();
    assert.deepEqual(calls, [0]);
    timers.advance(1);
    await queue.onIdle();
    assert.deepEqual(calls, [0, 5_000]);

    queue.addAt('a', 9_000);
    queue.addAt('a', 7_000); // the earlier time wins
    queue.addAt('a', 8_000);
    timers.advance(2_000);
    await queue.onIdle();
    assert.deepEqual(calls, [0, 5_000, 7_000]);
    assert.equal(timers.size, 0, 'the later requeue times were dropped');
  });

  it('takes no new keys once closed', async () => {
    const calls: string[] = [];
    const queue = new WorkQueue({ concurrency: 1, process: async (key) => void calls.push(key) });
    await queue.close();
    queue.add('a');
    await queue.onIdle();
    assert.deepEqual(calls, []);
  });
});

describe('WorkQueue (paused)', () => {
  it('collects keys but processes none until started', async () => {
    const calls: string[] = [];
    const queue = new WorkQueue({
      concurrency: 1,
      paused: true,
      process: async (key) => void calls.push(key),
    });
    queue.add('a');
    queue.add('b');
    queue.add('a');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(calls, []);
    queue.start();
    await queue.onIdle();
    assert.deepEqual(calls, ['a', 'b']);
  });
});
