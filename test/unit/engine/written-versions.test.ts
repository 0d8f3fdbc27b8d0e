import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WrittenVersions } from '../../../src/engine/written-versions.ts';

describe('WrittenVersions', () => {
  it('calls the cache stale while it still shows the version our write replaced', () => {
    const written = new WrittenVersions();
    assert.equal(written.isStale('ns/a', '10'), false, 'nothing written yet');
    written.wrote('ns/a', '10');
    assert.equal(written.isStale('ns/a', '10'), true);
    assert.equal(written.isStale('ns/b', '10'), false, 'per object');
    assert.equal(written.isStale('ns/a', '11'), false, 'the cache moved on');
    assert.equal(written.isStale('ns/a', '10'), false, 'and the entry is gone once it did');
  });

  it('forgets deleted objects', () => {
    const written = new WrittenVersions();
    written.wrote('ns/a', '5');
    written.forget('ns/a');
    assert.equal(written.isStale('ns/a', '5'), false);
  });
});
