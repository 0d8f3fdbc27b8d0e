import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import { childrenState, SettledRuns } from '../../../src/engine/settled-runs.ts';

const attempt = (name: string, resourceVersion: string): KubernetesObject => ({
  metadata: { name, resourceVersion },
});

describe('SettledRuns (the reconcile a finishing write triggers is skipped, once)', () => {
  const children = childrenState([attempt('run-a-1', '10')], false);

  it('skips once when the run is our write and its children are as planned', () => {
    const settled = new SettledRuns();
    settled.settle('ns/run', '42', children);
    assert.equal(
      settled.claim('ns/run', '42', () => children),
      true,
    );
    // A later event (a child's, say) at the same resourceVersion reconciles in full.
    assert.equal(
      settled.claim('ns/run', '42', () => children),
      false,
    );
  });

  it('reconciles when the run moved on or a child changed', () => {
    const settled = new SettledRuns();
    settled.settle('ns/run', '42', children);
    assert.equal(
      settled.claim('ns/run', '43', () => children),
      false,
    );
    settled.settle('ns/run', '42', children);
    const changed = childrenState([attempt('run-a-1', '11')], false);
    assert.equal(
      settled.claim('ns/run', '42', () => changed),
      false,
    );
    settled.settle('ns/run', '42', children);
    const claimAppeared = childrenState([attempt('run-a-1', '10')], true);
    assert.equal(
      settled.claim('ns/run', '42', () => claimAppeared),
      false,
    );
  });

  it('does not look at the children of a run it holds no record for', () => {
    const settled = new SettledRuns();
    assert.equal(
      settled.claim('ns/run', '42', () => assert.fail('children looked up')),
      false,
    );
  });

  it('reconciles what it was told to forget, and what was never settled', () => {
    const settled = new SettledRuns();
    settled.settle('ns/run', '42', children);
    settled.forget('ns/run');
    assert.equal(
      settled.claim('ns/run', '42', () => children),
      false,
    );
    assert.equal(
      settled.claim('ns/other', '42', () => children),
      false,
    );
    settled.settle('ns/run', undefined, children); // the API answered without a version
    assert.equal(
      settled.claim('ns/run', '42', () => children),
      false,
    );
  });

  it('compares children whatever order the cache lists them in', () => {
    assert.equal(
      childrenState([attempt('b', '2'), attempt('a', '1')], false),
      childrenState([attempt('a', '1'), attempt('b', '2')], false),
    );
    assert.notEqual(
      childrenState([attempt('a', '1')], false),
      childrenState([attempt('a', '1'), attempt('b', '2')], false),
    );
  });
});
