import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { renderCrdFiles } from '../../../src/api/crd/render-crds.ts';

const CRD_DIR = join(import.meta.dirname, '../../../manifests/crds');

describe('generated CRDs', () => {
  it('match what `npm run gen` produces from the zod schemas', async () => {
    const expected = renderCrdFiles();
    const committed = (await readdir(CRD_DIR)).filter((name) => name.endsWith('.yaml')).sort();
    assert.deepEqual(committed, [...expected.keys()].sort(), 'run `npm run gen`');
    for (const [name, text] of expected) {
      assert.equal(
        await readFile(join(CRD_DIR, name), 'utf8'),
        text,
        `${name} is stale: run \`npm run gen\``,
      );
    }
  });
});
