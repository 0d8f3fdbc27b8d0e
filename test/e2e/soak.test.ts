/**
 * The soak's short version (`npm run soak` runs it for 10 minutes): a steady stream of alerts
 * into runs for 40 s, finished runs deleted. Every alert is answered and becomes a finished
 * run; open handles (sockets, timers, watches) stay flat; memory stays under a ceiling. The
 * growth check on memory needs the long soak: V8 keeps growing its heap towards its steady
 * size for about 90 s here (measured: 200 → 376 MiB, then flat), longer than this test.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { growthAfterWarmUp, runSoak } from '../soak/soak.ts';

describe('soak (short)', () => {
  it('keeps memory and handles flat under steady work, answering every alert', async () => {
    const rate = 4;
    const result = await runSoak({ seconds: 40, alertsPerSecond: rate, sampleEverySeconds: 2 });
    assert.equal(result.alertsFailed, 0, 'every alert answered 200');
    assert.equal(result.alertsSent, 160);
    // Runs still in flight at the end are at most the last few seconds' worth.
    assert.ok(
      result.runsFinished >= result.alertsSent - rate * 15,
      `${String(result.runsFinished)} of ${String(result.alertsSent)} runs finished`,
    );
    const handles = growthAfterWarmUp(result.samples, 'handles');
    assert.ok(handles <= 0.1, `open handles grew ${(handles * 100).toFixed(0)}% after warm-up`);
    const peakMiB = Math.max(...result.samples.map((sample) => sample.rssBytes)) / 2 ** 20;
    assert.ok(peakMiB <= 512, `resident memory reached ${peakMiB.toFixed(0)} MiB`);
  });
});
