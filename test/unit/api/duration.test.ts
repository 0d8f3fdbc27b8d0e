import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, parseDuration } from '../../../src/api/duration.ts';

describe('parseDuration', () => {
  const valid: [string, number][] = [
    ['250ms', 250],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['2h3m4s', 7_384_000],
  ];
  for (const [text, ms] of valid) {
    it(`reads ${text} as ${ms} ms`, () => assert.equal(parseDuration(text), ms));
  }
  for (const text of ['', '10', 's', '1d', '-5s', '5 s', '1h-', '1e3s']) {
    it(`rejects ${JSON.stringify(text)}`, () => assert.equal(parseDuration(text), undefined));
  }
});

describe('formatDuration', () => {
  const cases: [number, string][] = [
    [0, '0s'],
    [250, '250ms'],
    [30_000, '30s'],
    [5_400_000, '1h30m'],
    [7_384_000, '2h3m4s'],
  ];
  for (const [ms, text] of cases) {
    it(`prints ${ms} ms as ${text}`, () => assert.equal(formatDuration(ms), text));
  }
  it('round-trips through parseDuration', () => {
    for (const ms of [1_000, 61_000, 3_661_000])
      assert.equal(parseDuration(formatDuration(ms)), ms);
  });
});
