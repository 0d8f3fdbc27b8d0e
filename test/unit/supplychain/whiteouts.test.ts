import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  normalizeEntryPath,
  whiteoutRulesFor,
} from '../../../src/supplychain/contract/whiteouts.ts';
import { compressionOf } from '../../../src/supplychain/contract/layer-entries.ts';

describe('whiteoutRulesFor', () => {
  it('a root file is hidden by its whiteout or an opaque root', () => {
    const rules = whiteoutRulesFor('/action-contract.yaml');
    assert.equal(rules.target, 'action-contract.yaml');
    assert.deepEqual([...rules.hiding].sort(), ['.wh..wh..opq', '.wh.action-contract.yaml']);
  });
  it('a nested file is hidden by whiteouts and opaque markers of every directory above it', () => {
    assert.deepEqual([...whiteoutRulesFor('/usr/bin/tool').hiding].sort(), [
      '.wh..wh..opq',
      '.wh.usr',
      'usr/.wh..wh..opq',
      'usr/.wh.bin',
      'usr/bin/.wh..wh..opq',
      'usr/bin/.wh.tool',
    ]);
  });
  it('normalises tar names', () => {
    assert.equal(normalizeEntryPath('./action-contract.yaml'), 'action-contract.yaml');
    assert.equal(normalizeEntryPath('/etc/'), 'etc');
    assert.equal(normalizeEntryPath('././a'), 'a');
  });
});

describe('compressionOf (by magic bytes, whatever the media type says)', () => {
  it('recognises gzip, zstd and plain tar', () => {
    assert.equal(compressionOf(Uint8Array.of(0x1f, 0x8b, 8)), 'gzip');
    assert.equal(compressionOf(Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0)), 'zstd');
    assert.equal(compressionOf(Buffer.from('action-contract.yaml\0')), 'none');
  });
});
