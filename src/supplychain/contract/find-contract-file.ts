/**
 * Finds `/action-contract.yaml` in an image's layers: from the top layer down, stopping at the
 * first layer that shows or hides the file. The layer that holds it is read to its end all the
 * same, so its digest is checked before its content is trusted. Small layers (every action
 * image's top layer) are fetched whole, digest-checked, then decompressed and parsed from
 * memory; larger ones are streamed.
 */
import type { Descriptor } from '../oci/media-types.ts';
import { RegistryError } from '../oci/registry-error.ts';
import { ContractError } from './contract-error.ts';
import { readLayerEntries, readWholeLayerEntries, type LayerEntry } from './layer-entries.ts';
import { normalizeEntryPath, whiteoutRulesFor } from './whiteouts.ts';

export const CONTRACT_PATH = '/action-contract.yaml';
const WHOLE_LAYER_BYTES = 1024 * 1024;

export interface FindFileOptions {
  image: string;
  path: string;
  /** Opens a layer blob as a stream checked against its digest. */
  openLayer: (layer: Descriptor) => Promise<AsyncIterable<Uint8Array>>;
  /** Reads a whole layer blob, checked against its digest, for layers up to wholeLayerBytes. */
  readLayer?: (layer: Descriptor) => Promise<Uint8Array>;
  /** Layers up to this size are read whole (default 1 MiB). */
  wholeLayerBytes?: number;
  maxLayerBytes: number;
  maxUncompressedBytes: number;
  maxFileBytes: number;
}

export interface FoundFile {
  bytes: Uint8Array;
  /** The digest of the layer that holds the file. */
  layer: string;
}

export async function findFileInLayers(
  layers: readonly Descriptor[],
  options: FindFileOptions,
): Promise<FoundFile> {
  const rules = whiteoutRulesFor(options.path);
  for (let index = layers.length - 1; index >= 0; index--) {
    const layer = layers[index];
    if (!layer) continue;
    if (layer.size > options.maxLayerBytes) {
      throw new RegistryError(
        'LAYER_TOO_LARGE',
        options.image,
        `layer ${layer.digest} is ${layer.size} bytes, over the limit of ${options.maxLayerBytes}`,
      );
    }
    const outcome = await scanLayer(layer, await layerEntries(layer, options), rules, options);
    if (outcome.found) return { bytes: outcome.found, layer: layer.digest };
    if (outcome.hiddenBy) {
      throw new ContractError(
        'CONTRACT_NOT_FOUND',
        options.image,
        `${options.path} was deleted by ${outcome.hiddenBy} in layer ${index + 1} of ${layers.length} (${layer.digest})`,
      );
    }
  }
  throw new ContractError(
    'CONTRACT_NOT_FOUND',
    options.image,
    `the image has no ${options.path} (searched ${layers.length} layer(s))`,
  );
}

async function layerEntries(
  layer: Descriptor,
  options: FindFileOptions,
): Promise<AsyncIterable<LayerEntry>> {
  const read = {
    image: options.image,
    digest: layer.digest,
    maxUncompressedBytes: options.maxUncompressedBytes,
  };
  if (options.readLayer && layer.size <= (options.wholeLayerBytes ?? WHOLE_LAYER_BYTES)) {
    return readWholeLayerEntries(await options.readLayer(layer), read);
  }
  return readLayerEntries(await options.openLayer(layer), read);
}

async function scanLayer(
  layer: Descriptor,
  entries: AsyncIterable<LayerEntry>,
  rules: ReturnType<typeof whiteoutRulesFor>,
  options: FindFileOptions,
): Promise<{ found?: Uint8Array; hiddenBy?: string }> {
  let found: Uint8Array | undefined;
  let hiddenBy: string | undefined;
  try {
    for await (const entry of entries) {
      const name = normalizeEntryPath(entry.header.name);
      if (found === undefined && name === rules.target)
        found = await readTarget(entry.header, entry.body, options);
      else if (rules.hiding.has(name)) hiddenBy ??= name;
      // Entries not read here are drained by the tar reader; the whole layer passes, so its
      // digest is checked at the end.
    }
  } catch (error) {
    if (error instanceof RegistryError || error instanceof ContractError) throw error;
    throw new ContractError(
      'LAYER_UNREADABLE',
      options.image,
      `layer ${layer.digest} is not a readable (gzip, zstd or plain) tar: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return { ...(found ? { found } : {}), ...(hiddenBy ? { hiddenBy } : {}) };
}

async function readTarget(
  header: { type: string; size: number; linkname?: string },
  body: AsyncIterable<Buffer>,
  options: FindFileOptions,
): Promise<Uint8Array> {
  if (header.type !== 'file' && header.type !== 'contiguous-file') {
    throw new ContractError(
      'CONTRACT_INVALID',
      options.image,
      `${options.path} is a ${header.type}${header.linkname ? ` to ${header.linkname}` : ''}, not a regular file`,
    );
  }
  if (header.size > options.maxFileBytes) {
    throw new ContractError(
      'CONTRACT_TOO_LARGE',
      options.image,
      `${options.path} is ${header.size} bytes, over the limit of ${options.maxFileBytes}`,
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}
