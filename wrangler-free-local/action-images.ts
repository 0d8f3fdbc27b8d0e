/**
 * Real OCI images for the action catalog, for local mode: one image per action found in
 * `src/actions/catalog/<group>/<name>/`, with one layer holding `/action-contract.yaml` (the
 * catalog file, byte for byte) and `/action-entrypoint`. The bytes are deterministic, so an
 * action's digest is stable across starts as long as its contract is unchanged.
 *
 * Repository naming: the action type is the path, `kubernaut/actions/<group>/<name>`, tagged
 * with the contract's version: `127.0.0.1:5001/kubernaut/actions/kubernetes/scale_deployment`.
 * The simulated kubelet maps each digest to `node src/actions/run-action.ts <group>/<name>`.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildImage, buildLayer } from './registry/build-image.ts';
import type { ContentStore } from './registry/content-store.ts';
import type { ImageCatalog } from './cluster/image-catalog.ts';

export const ACTION_CATALOG_DIR = join(import.meta.dirname, '../src/actions/catalog');
export const RUN_ACTION = join(import.meta.dirname, '../src/actions/run-action.ts');
export const ACTION_REPOSITORY_PREFIX = 'kubernaut/actions';

export interface LocalActionImage {
  /** `<group>/<name>`, the contract's metadata.name. */
  actionType: string;
  repository: string;
  /** `<registry>/<repository>@sha256:…`, what a step's `image` should say. */
  image: string;
  digest: string;
  version: string;
}

/** Every `<group>/<name>` directory holding an action-contract.yaml, sorted. */
export async function findCatalogActions(catalogDir: string): Promise<string[]> {
  if (!existsSync(catalogDir)) return [];
  const types: string[] = [];
  for (const group of await readdir(catalogDir, { withFileTypes: true })) {
    if (!group.isDirectory()) continue;
    for (const action of await readdir(join(catalogDir, group.name), { withFileTypes: true })) {
      if (
        action.isDirectory() &&
        existsSync(join(catalogDir, group.name, action.name, 'action-contract.yaml'))
      ) {
        types.push(`${group.name}/${action.name}`);
      }
    }
  }
  return types.sort();
}

export async function publishActionImages(options: {
  registryHost: string;
  store: ContentStore;
  catalog: ImageCatalog;
  catalogDir?: string;
  runAction?: string;
}): Promise<LocalActionImage[]> {
  const catalogDir = options.catalogDir ?? ACTION_CATALOG_DIR;
  const images: LocalActionImage[] = [];
  for (const actionType of await findCatalogActions(catalogDir)) {
    const contract = await readFile(join(catalogDir, actionType, 'action-contract.yaml'));
    const version = readVersion(contract);
    const layer = await buildLayer([
      { path: '/action-contract.yaml', content: contract },
      // What the entrypoint would be in a built image; the simulated kubelet runs the host command.
      {
        path: '/action-entrypoint',
        content: `#!/bin/sh\nexec node /app/src/actions/run-action.ts ${actionType} "$@"\n`,
        mode: 0o755,
      },
    ]);
    const built = buildImage({
      layers: [layer],
      entrypoint: ['/action-entrypoint'],
      labels: {
        'ai.kubernaut.action-type': actionType,
        'org.opencontainers.image.version': version,
      },
    });
    const repository = `${ACTION_REPOSITORY_PREFIX}/${actionType}`;
    for (const blob of [built.config, layer]) options.store.putBlob(blob.bytes);
    options.store.putManifest(repository, version, built.manifest.mediaType, built.manifest.bytes);
    const command = [process.execPath, options.runAction ?? RUN_ACTION, actionType];
    options.catalog.add(built.manifest.digest, {
      entrypoint: command,
      executables: { '/action-entrypoint': command },
    });
    images.push({
      actionType,
      repository,
      image: `${options.registryHost}/${repository}@${built.manifest.digest}`,
      digest: built.manifest.digest,
      version,
    });
  }
  return images;
}

function readVersion(contract: Buffer): string {
  const version = (parse(contract.toString('utf8')) as { metadata?: { version?: unknown } } | null)
    ?.metadata?.version;
  // Tags allow [\w.-]: a version such as 1.0.0 is one as it is.
  return typeof version === 'string' && /^[\w][\w.-]{0,127}$/.test(version) ? version : 'latest';
}
