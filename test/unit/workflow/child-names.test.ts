import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attemptName, boundedName, workspaceClaimName } from '../../../src/workflow/child-names.ts';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

describe('child names', () => {
  it('are <run>-<step>-<attempt> when that fits', () => {
    assert.equal(attemptName('oom-fix-7f2c', 'scale', 2), 'oom-fix-7f2c-scale-2');
    assert.equal(workspaceClaimName('oom-fix-7f2c'), 'oom-fix-7f2c-workspace');
  });

  it('are cut to 63 characters with a hash that keeps long names apart', () => {
    const run = 'r'.repeat(60);
    const first = attemptName(run, 'step-one', 1);
    const second = attemptName(run, 'step-one', 2);
    assert.equal(first.length, 63);
    assert.match(first, DNS_LABEL);
    assert.notEqual(first, second);
  });

  it('are deterministic', () => {
    const run = 'x'.repeat(100);
    assert.equal(attemptName(run, 'a', 1), attemptName(run, 'a', 1));
  });

  it('never end a cut prefix with a dash', () => {
    const name = boundedName(`${'a'.repeat(51)}-${'b'.repeat(40)}`);
    assert.match(name, DNS_LABEL);
    assert.doesNotMatch(name, /--/);
  });
});
