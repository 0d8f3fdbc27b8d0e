/**
 * Keeps the digests in the shipped examples and templates equal to the catalog's action images
 * as local mode builds them (deterministic: the same contract gives the same digest). Any
 * `<registry>/kubernaut/actions/<group>/<name>@sha256:…` reference gets the digest of that
 * action's image; a test fails when a committed file differs. Run after changing a contract:
 *
 *   node wrangler-free-local/pin-action-digests.ts
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ACTION_REPOSITORY_PREFIX, publishActionImages } from './action-images.ts';
import { ImageCatalog } from './cluster/image-catalog.ts';
import { ContentStore } from './registry/content-store.ts';

export const PINNED_DIRS = ['manifests/examples', 'manifests/templates'];
const ROOT = join(import.meta.dirname, '..');

const ACTION_IMAGE_RE = new RegExp(
  `(${ACTION_REPOSITORY_PREFIX.replace('/', '\\/')}\\/([a-z0-9_-]+\\/[a-z0-9_-]+))@sha256:[a-f0-9]{64}`,
  'g',
);

/** Action type → the digest of its local image (no registry needed: the bytes are built here). */
export async function localActionDigests(): Promise<Map<string, string>> {
  const images = await publishActionImages({
    registryHost: 'unused',
    store: new ContentStore(),
    catalog: new ImageCatalog(),
  });
  return new Map(images.map((image) => [image.actionType, image.digest]));
}

/** The text with every catalog action image pinned to its digest (pure); unknown types stay. */
export function pinActionDigests(text: string, digests: ReadonlyMap<string, string>): string {
  return text.replace(ACTION_IMAGE_RE, (whole, repository: string, actionType: string) => {
    const digest = digests.get(actionType);
    return digest ? `${repository}@${digest}` : whole;
  });
}

/** The YAML files of the pinned directories, relative to the repository root. */
export async function pinnedFiles(): Promise<string[]> {
  const files: string[] = [];
  for (const dir of PINNED_DIRS) {
    for (const name of (await readdir(join(ROOT, dir))).sort()) {
      if (name.endsWith('.yaml')) files.push(join(dir, name));
    }
  }
  return files;
}

async function main(): Promise<void> {
  const digests = await localActionDigests();
  for (const file of await pinnedFiles()) {
    const text = await readFile(join(ROOT, file), 'utf8');
    const pinned = pinActionDigests(text, digests);
    if (pinned !== text) {
      await writeFile(join(ROOT, file), pinned);
      process.stdout.write(`pinned ${file}\n`);
    }
  }
}

if (import.meta.main) await main();
