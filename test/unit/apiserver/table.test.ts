import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  evaluateJsonPath,
  formatHumanDuration,
} from '../../../wrangler-free-local/apiserver/table.ts';

describe('evaluateJsonPath', () => {
  const obj = {
    status: { phase: 'Running', steps: [{ name: 'a' }, { name: 'b' }] },
    metadata: { labels: { 'app.kubernetes.io/name': 'x' } },
  };
  const cases: [string, unknown[]][] = [
    ['.status.phase', ['Running']],
    ['.status.steps[1].name', ['b']],
    ['.status.steps[*].name', ['a', 'b']],
    ["{.metadata.labels['app.kubernetes.io/name']}", ['x']],
    ['.status.missing', []],
    ['.status.steps[5].name', []],
  ];
  for (const [path, expected] of cases) {
    it(path, () => assert.deepEqual(evaluateJsonPath(obj, path), expected));
  }
});

describe('formatHumanDuration', () => {
  const cases: [number, string][] = [
    [-5000, '<invalid>'],
    [0, '0s'],
    [119_000, '119s'],
    [150_000, '2m30s'],
    [600_000, '10m'],
    [3 * 3600_000 + 5 * 60_000, '3h5m'],
    [30 * 3600_000, '30h'],
    [3 * 86400_000 + 3600_000, '3d1h'],
    [20 * 86400_000, '20d'],
    [3 * 365 * 86400_000, '3y0d'],
  ];
  for (const [ms, text] of cases) {
    it(`${ms} ms is ${text}`, () => assert.equal(formatHumanDuration(ms), text));
  }
});
