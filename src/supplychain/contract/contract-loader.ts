/**
 * Loads an image's action contract: resolve the digest-pinned image to its platform manifest,
 * find `/action-contract.yaml` in its layers, parse it. Results are cached by image digest
 * (content behind a digest never changes) in a bounded LRU; concurrent loads of one image
 * share one fetch. Failures are not cached: a registry that was down is asked again.
 */
import { LRUCache } from 'lru-cache';
import type { ActionContract } from '../../api/action-contract.ts';
import {
  formatImageReference,
  parseImageReference,
  type ImageReference,
} from '../oci/image-reference.ts';
import { RegistryError } from '../oci/registry-error.ts';
import { sha256Digest } from '../oci/digest.ts';
import type { RegistryClient } from '../oci/registry-client.ts';
import { CONTRACT_PATH, findFileInLayers } from './find-contract-file.ts';
import { parseContract } from './parse-contract.ts';

export interface LoadedContract {
  contract: ActionContract;
  /** sha256 of the contract file's bytes. */
  contractDigest: string;
  /** The digest the image was pinned by (an index's, when it is one). */
  imageDigest: string;
  /** The platform image manifest the contract was read from. */
  manifestDigest: string;
  /** The layer that holds the contract. */
  layerDigest: string;
}

export interface ContractLoaderOptions {
  client: Pick<RegistryClient, 'resolveImageManifest' | 'openBlob' | 'getBlob'>;
  /** Compressed layer size limit (default 256 MiB). */
  maxLayerBytes?: number;
  /** Uncompressed bytes read from one layer (default 1 GiB). */
  maxUncompressedBytes?: number;
  /** The contract file's limit (default 1 MiB). */
  maxContractBytes?: number;
  /** Contracts kept (default 1,000). */
  cacheSize?: number;
  /** Layers up to this size are fetched whole and parsed from memory (default 1 MiB). */
  wholeLayerBytes?: number;
  platform?: string;
}

const MiB = 1024 * 1024;

export class ContractLoader {
  private readonly options: Required<Omit<ContractLoaderOptions, 'platform' | 'client'>> &
    Pick<ContractLoaderOptions, 'platform' | 'client'>;
  private readonly cache: LRUCache<string, LoadedContract>;
  private readonly inFlight = new Map<string, Promise<LoadedContract>>();

  constructor(options: ContractLoaderOptions) {
    this.options = {
      maxLayerBytes: 256 * MiB,
      maxUncompressedBytes: 1024 * MiB,
      maxContractBytes: MiB,
      cacheSize: 1_000,
      wholeLayerBytes: MiB,
      ...options,
    };
    this.cache = new LRUCache({ max: this.options.cacheSize });
  }

  /** The contract of `registry/repository@sha256:…`; an image without a digest is refused. */
  load(image: string | ImageReference): Promise<LoadedContract> {
    const ref = typeof image === 'string' ? parseImageReference(image) : image;
    if (ref.digest === undefined) {
      return Promise.reject(
        new RegistryError(
          'INVALID_REFERENCE',
          formatImageReference(ref),
          'is not pinned by digest: a contract is read only from a digest-pinned image',
        ),
      );
    }
    const key = `${ref.registry}/${ref.repository}@${ref.digest}`;
    const cached = this.cache.get(key);
    if (cached) return Promise.resolve(cached);
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.fetch(ref, ref.digest).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  /** The cached contract, without any I/O. */
  peek(image: ImageReference): LoadedContract | undefined {
    return image.digest === undefined
      ? undefined
      : this.cache.get(`${image.registry}/${image.repository}@${image.digest}`);
  }

  private async fetch(ref: ImageReference, digest: string): Promise<LoadedContract> {
    const image = formatImageReference(
      { registry: ref.registry, repository: ref.repository },
      digest,
    );
    const manifest = await this.options.client.resolveImageManifest(
      ref,
      digest,
      this.options.platform ? { platform: this.options.platform } : {},
    );
    const found = await findFileInLayers(manifest.manifest.layers, {
      image,
      path: CONTRACT_PATH,
      openLayer: (layer) =>
        this.options.client.openBlob(ref, layer.digest, { maxBytes: this.options.maxLayerBytes }),
      readLayer: (layer) =>
        this.options.client.getBlob(ref, layer.digest, { maxBytes: this.options.wholeLayerBytes }),
      wholeLayerBytes: this.options.wholeLayerBytes,
      maxLayerBytes: this.options.maxLayerBytes,
      maxUncompressedBytes: this.options.maxUncompressedBytes,
      maxFileBytes: this.options.maxContractBytes,
    });
    const contract = parseContract(image, Buffer.from(found.bytes).toString('utf8'));
    const loaded: LoadedContract = {
      contract,
      contractDigest: sha256Digest(found.bytes),
      imageDigest: digest,
      manifestDigest: manifest.digest,
      layerDigest: found.layer,
    };
    this.cache.set(`${ref.registry}/${ref.repository}@${digest}`, loaded);
    return loaded;
  }
}
