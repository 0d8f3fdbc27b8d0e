/**
 * `npm run gen` (after the CRDs): writes manifests/actions/ (per-action RBAC) and the catalog
 * section of docs/actions.md from the contracts in src/actions/catalog/.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadCatalogContracts } from './catalog/load-catalog.ts';
import { renderActionsPage } from './docs/actions-page.ts';
import { renderActionRbacFiles } from './rbac/render-action-rbac.ts';

export const ACTION_RBAC_DIR = join(import.meta.dirname, '../../manifests/actions');
export const ACTIONS_DOC = join(import.meta.dirname, '../../docs/actions.md');

const contracts = await loadCatalogContracts();
const files = renderActionRbacFiles(contracts);
await mkdir(ACTION_RBAC_DIR, { recursive: true });
for (const stale of await readdir(ACTION_RBAC_DIR)) {
  if (!files.has(stale)) await rm(join(ACTION_RBAC_DIR, stale));
}
for (const [name, text] of files) await writeFile(join(ACTION_RBAC_DIR, name), text);
const page = await readFile(ACTIONS_DOC, 'utf8');
await writeFile(ACTIONS_DOC, await renderActionsPage(ACTIONS_DOC, page, contracts));
console.log(
  `wrote RBAC of ${String(contracts.length)} actions to ${ACTION_RBAC_DIR} and ${ACTIONS_DOC}`,
);
