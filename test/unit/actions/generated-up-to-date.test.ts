import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadCatalogContracts } from '../../../src/actions/catalog/load-catalog.ts';
import { renderActionsPage } from '../../../src/actions/docs/actions-page.ts';
import { renderActionRbacFiles } from '../../../src/actions/rbac/render-action-rbac.ts';

const RBAC_DIR = join(import.meta.dirname, '../../../manifests/actions');
const DOC = join(import.meta.dirname, '../../../docs/actions.md');

describe('files generated from the action contracts', () => {
  it('manifests/actions/ holds exactly the RBAC of the catalog', async () => {
    const expected = renderActionRbacFiles(await loadCatalogContracts());
    assert.deepEqual(
      (await readdir(RBAC_DIR)).sort(),
      [...expected.keys()].sort(),
      'run `npm run gen`',
    );
    for (const [name, text] of expected) {
      assert.equal(
        await readFile(join(RBAC_DIR, name), 'utf8'),
        text,
        `${name} is stale: run \`npm run gen\``,
      );
    }
  });

  it('docs/actions.md documents every contract as it is', async () => {
    const page = await readFile(DOC, 'utf8');
    const expected = await renderActionsPage(DOC, page, await loadCatalogContracts());
    assert.equal(page, expected, 'docs/actions.md is stale: run `npm run gen`');
  });
});
