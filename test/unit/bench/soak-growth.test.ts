import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { growthAfterWarmUp, type SoakSample } from '../../soak/soak.ts';

const samplesOf = (handles: number[]): SoakSample[] =>
  handles.map((count, index) => ({
    atSeconds: index * 2,
    rssBytes: 100 * 2 ** 20,
    eventLoopLagSeconds: 0,
    handles: count,
    runsCreated: index,
  }));

describe('growthAfterWarmUp', () => {
  it('ignores one sample taken while the connection pool held a few extra sockets', () => {
    const flat = Array.from({ length: 20 }, () => 15);
    flat[19] = 19;
    assert.equal(growthAfterWarmUp(samplesOf(flat), 'handles'), 0);
  });

  it('sees a leak, which moves every later sample up', () => {
    const leaking = Array.from({ length: 20 }, (_, index) => 15 + index);
    // Well past the soak's 10% limit: the warm-up median is 22, the last quarter's 32.
    assert.ok(growthAfterWarmUp(samplesOf(leaking), 'handles') > 0.4);
  });
});
