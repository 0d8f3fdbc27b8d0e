/** `npm run gen`: writes the generated CRDs into manifests/crds/. */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderCrdFiles } from './render-crds.ts';

export const CRD_DIR = join(import.meta.dirname, '../../../manifests/crds');

const files = renderCrdFiles();
await mkdir(CRD_DIR, { recursive: true });
for (const stale of await readdir(CRD_DIR)) {
  if (!files.has(stale)) await rm(join(CRD_DIR, stale));
}
for (const [name, text] of files) await writeFile(join(CRD_DIR, name), text);
console.log(`wrote ${files.size} CRDs to ${CRD_DIR}`);
