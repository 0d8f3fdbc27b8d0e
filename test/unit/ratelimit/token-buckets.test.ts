import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenBuckets } from '../../../src/ratelimit/token-buckets.ts';

describe('TokenBuckets', () => {
  it('allows a burst, then one request per 1/rate seconds, per key', () => {
    let now = 0;
    const buckets = new TokenBuckets({ rate: 2, burst: 3, now: () => now });
    assert.deepEqual(
      [1, 2, 3].map(() => buckets.take('a').ok),
      [true, true, true],
    );
    assert.deepEqual(buckets.take('a'), { ok: false, retryAfterSeconds: 1 });
    assert.equal(buckets.take('b').ok, true, 'another key has its own bucket');
    now = 500;
    assert.equal(buckets.take('a').ok, true);
    assert.equal(buckets.take('a').ok, false);
    now = 60_000;
    assert.deepEqual(
      [1, 2, 3, 4].map(() => buckets.take('a').ok),
      [true, true, true, false],
      'refills to the burst, never beyond',
    );
  });

  it('says how long to wait at a slow rate', () => {
    const buckets = new TokenBuckets({ rate: 0.1, burst: 1, now: () => 0 });
    assert.equal(buckets.take('a').ok, true);
    assert.deepEqual(buckets.take('a'), { ok: false, retryAfterSeconds: 10 });
  });
});
