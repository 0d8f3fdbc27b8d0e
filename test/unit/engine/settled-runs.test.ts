import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import { childrenState, SettledRuns } from '../../../src/engine/settled-runs.ts';

const attempt = (name: string, resourceVersion: string): KubernetesObject => ({
  metadata: { name, resourceVersion },
});

/** The state of a run with these attempts and, when `claim`, its workspace claim. */
const stateOf = (attempts: KubernetesObject[], claim = false): string =>
  childrenState({ attempts, workspaceExists: claim });

describe('SettledRuns (the reconcile a finishing write triggers is skipped, once)', () => {
  const children = stateOf([attempt('run-a-1', '10')]);
  /** Whether the reconcile of `ns/run` at `version` with `state` children is skipped. */
  const skips = (settled: SettledRuns, version: string, state = children, key = 'ns/run') =>
    settled.claim(key, version, () => state);

  it('skips once when the run is our write and its children are as planned', () => {
    const settled = new SettledRuns();
    settled.settle('ns/run', '42', children);
    assert.equal(skips(settled, '42'), true);
    // A later event (a child's, say) at the same resourceVersion reconciles in full.
    assert.equal(skips(settled, '42'), false);
  });

  it('reconciles when the run moved on or a child changed', () => {
    const settled = new SettledRuns();
    settled.settle('ns/run', '42', children);
    assert.equal(skips(settled, '43'), false);
    settled.settle('ns/run', '42', children);
    assert.equal(skips(settled, '42', stateOf([attempt('run-a-1', '11')])), false);
    settled.settle('ns/run', '42', children);
    assert.equal(skips(settled, '42', stateOf([attempt('run-a-1', '10')], true)), false);
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
    assert.equal(skips(settled, '42'), false);
    assert.equal(skips(settled, '42', children, 'ns/other'), false);
    settled.settle('ns/run', undefined, children); // the API answered without a version
    assert.equal(skips(settled, '42'), false);
  });

  it('compares children whatever order the cache lists them in', () => {
    assert.equal(
      stateOf([attempt('b', '2'), attempt('a', '1')]),
      stateOf([attempt('a', '1'), attempt('b', '2')]),
    );
    assert.notEqual(stateOf([attempt('a', '1')]), stateOf([attempt('a', '1'), attempt('b', '2')]));
  });
});
