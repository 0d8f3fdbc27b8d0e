/**
 * A client for the OCI distribution API: manifests (OCI and Docker schema 2, images and
 * indexes), blobs (whole or streamed), tags and the OCI 1.1 referrers API. Every manifest or
 * blob asked for by digest is checked against that digest before anyone sees it.
 */
import { RegistryError } from './registry-error.ts';
import {
  RegistryTransport,
  headerOf,
  type RegistryResponse,
  type TransportOptions,
} from './registry-transport.ts';
import { DIGEST_RE, formatImageReference, type ImageReference } from './image-reference.ts';
import { assertDigest, digestWith, sha256Digest } from './digest.ts';
import { MANIFEST_ACCEPT, OCI_INDEX, type Descriptor, type ImageManifest } from './media-types.ts';
import {
  isImageManifestType,
  isIndexType,
  manifestMediaTypeOf,
  parseManifestShape,
} from './manifest-schema.ts';
import {
  DEFAULT_PLATFORM,
  listPlatforms,
  parsePlatform,
  selectPlatform,
} from './select-platform.ts';
import { readCapped, verifyWhileStreaming } from './read-body.ts';

export interface FetchedManifest {
  mediaType: string;
  digest: string;
  bytes: Uint8Array;
  json: unknown;
}

/** A fetched image manifest (never an index), parsed. */
export interface FetchedImageManifest extends FetchedManifest {
  manifest: ImageManifest;
}

export interface Referrers {
  manifests: Array<{
    mediaType: string;
    digest: string;
    size: number;
    artifactType?: string;
    annotations?: Record<string, string>;
  }>;
}

export interface RegistryClientOptions extends TransportOptions {
  /** The index entry to follow, `os/architecture[/variant]`. Default linux/amd64. */
  platform?: string;
  /** Manifests larger than this are refused (default 4 MiB, as registries cap them). */
  maxManifestBytes?: number;
  /** Whole blobs read with getBlob are capped at this (default 16 MiB). */
  maxBlobBytes?: number;
}

export class RegistryClient {
  readonly transport: RegistryTransport;
  private readonly platform: string;
  private readonly maxManifestBytes: number;
  private readonly maxBlobBytes: number;

  constructor(options: RegistryClientOptions = {}) {
    this.transport = new RegistryTransport(options);
    this.platform = options.platform ?? DEFAULT_PLATFORM;
    if (!parsePlatform(this.platform))
      throw new Error(`platform "${this.platform}" is not os/architecture[/variant]`);
    this.maxManifestBytes = options.maxManifestBytes ?? 4 * 1024 * 1024;
    this.maxBlobBytes = options.maxBlobBytes ?? 16 * 1024 * 1024;
  }

  /**
   * The manifest at a tag or digest, as the registry stores it (an index stays an index unless
   * `platform` is given). By digest, the bytes must hash to it; by tag, to the registry's
   * Docker-Content-Digest when it sends one.
   */
  async getManifest(
    ref: ImageReference,
    reference: string,
    options: { platform?: string } = {},
  ): Promise<FetchedManifest> {
    const image = formatImageReference(ref, reference);
    const response = await this.get(ref, image, `/manifests/${reference}`, MANIFEST_ACCEPT);
    if (response.statusCode === 404)
      throw await notFound(response, 'MANIFEST_NOT_FOUND', image, 'manifest');
    await expectOk(response, image, 'manifest');
    const bytes = await this.readManifestBody(response.body, image, 'manifest');
    const byDigest = DIGEST_RE.test(reference);
    const sent = headerOf(response, 'docker-content-digest');
    const digest = byDigest
      ? digestWith(reference, bytes)
      : sent && DIGEST_RE.test(sent)
        ? digestWith(sent, bytes)
        : sha256Digest(bytes);
    if (byDigest) assertDigest(image, 'manifest', reference, digest);
    else if (sent && DIGEST_RE.test(sent)) assertDigest(image, 'manifest', sent, digest);
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch {
      throw new RegistryError('INVALID_MANIFEST', image, 'manifest is not JSON');
    }
    const mediaType = manifestMediaTypeOf(headerOf(response, 'content-type'), json);
    if (!mediaType || !(isIndexType(mediaType) || isImageManifestType(mediaType))) {
      throw new RegistryError(
        'UNSUPPORTED_MEDIA_TYPE',
        image,
        `manifest media type ${mediaType ?? '(none)'} is not an OCI or Docker schema 2 manifest or index`,
      );
    }
    const fetched = { mediaType, digest, bytes, json };
    if (options.platform === undefined || !isIndexType(mediaType)) return fetched;
    return this.followIndex(ref, image, fetched, options.platform);
  }

  /** The image manifest for a digest: the digest's own, or its platform entry when it is an index. */
  async resolveImageManifest(
    ref: ImageReference,
    digest: string,
    options: { platform?: string } = {},
  ): Promise<FetchedImageManifest> {
    const image = formatImageReference(ref, digest);
    if (!DIGEST_RE.test(digest))
      throw new RegistryError('INVALID_REFERENCE', image, `"${digest}" is not a digest`);
    const fetched = await this.getManifest(ref, digest, {
      platform: options.platform ?? this.platform,
    });
    const shape = parseManifestShape(fetched.mediaType, fetched.json);
    if (typeof shape === 'string')
      throw new RegistryError('INVALID_MANIFEST', image, `manifest ${shape}`);
    if (shape.kind !== 'image')
      throw new RegistryError('INVALID_MANIFEST', image, 'an index entry is itself an index');
    return { ...fetched, manifest: shape.manifest };
  }

  /** A whole blob, checked against its digest. */
  async getBlob(
    ref: ImageReference,
    digest: string,
    options: { maxBytes?: number } = {},
  ): Promise<Uint8Array> {
    const chunks: Uint8Array[] = [];
    for await (const chunk of await this.openBlob(ref, digest, {
      maxBytes: options.maxBytes ?? this.maxBlobBytes,
    }))
      chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  /**
   * A blob as a stream of chunks; the digest is checked after the last chunk (the iteration
   * throws DIGEST_MISMATCH then) and the size as it streams (LAYER_TOO_LARGE).
   */
  async openBlob(
    ref: ImageReference,
    digest: string,
    options: { maxBytes?: number } = {},
  ): Promise<AsyncIterable<Uint8Array>> {
    const image = formatImageReference(ref, digest);
    if (!DIGEST_RE.test(digest))
      throw new RegistryError('INVALID_REFERENCE', image, `"${digest}" is not a digest`);
    const maxBytes = options.maxBytes ?? Number.MAX_SAFE_INTEGER;
    const response = await this.get(ref, image, `/blobs/${digest}`);
    if (response.statusCode === 404)
      throw await notFound(response, 'BLOB_NOT_FOUND', image, `blob ${digest}`);
    await expectOk(response, image, `blob ${digest}`);
    const length = Number(headerOf(response, 'content-length') ?? Number.NaN);
    if (length > maxBytes) {
      await response.body.dump();
      throw new RegistryError(
        'LAYER_TOO_LARGE',
        image,
        `blob ${digest} is ${length} bytes, over the limit of ${maxBytes}`,
      );
    }
    return verifyWhileStreaming(response.body, {
      image,
      digest,
      maxBytes,
      tooLargeCode: 'LAYER_TOO_LARGE',
    });
  }

  /** Every tag of the repository, following the registry's pagination. */
  async listTags(ref: ImageReference): Promise<string[]> {
    const image = formatImageReference({ registry: ref.registry, repository: ref.repository });
    const tags: string[] = [];
    let path: string | undefined = `/tags/list?n=1000`;
    for (let page = 0; path !== undefined && page < 100; page++) {
      const response = await this.get(ref, image, path);
      if (response.statusCode === 404)
        throw await notFound(response, 'MANIFEST_NOT_FOUND', image, 'repository');
      await expectOk(response, image, 'tag list');
      const body = (await response.body.json()) as { tags?: unknown };
      if (Array.isArray(body.tags))
        tags.push(...body.tags.filter((tag): tag is string => typeof tag === 'string'));
      path = nextPage(headerOf(response, 'link'), ref.repository);
    }
    return tags;
  }

  /**
   * The OCI 1.1 referrers of a digest, filtered by artifact type; undefined when the registry
   * has no referrers API (404), so the caller falls back to the `sha256-<hex>` tag scheme.
   */
  async getReferrers(
    ref: ImageReference,
    digest: string,
    artifactType?: string,
  ): Promise<Referrers | undefined> {
    const image = formatImageReference(ref, digest);
    const query = artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : '';
    const response = await this.get(ref, image, `/referrers/${digest}${query}`, OCI_INDEX);
    if (response.statusCode === 404) {
      await response.body.dump();
      return undefined;
    }
    await expectOk(response, image, 'referrers');
    const bytes = await this.readManifestBody(response.body, image, 'referrers index');
    const shape = parseManifestShape(OCI_INDEX, JSON.parse(Buffer.from(bytes).toString('utf8')));
    if (typeof shape === 'string' || shape.kind !== 'index')
      throw new RegistryError(
        'INVALID_MANIFEST',
        image,
        `referrers index ${typeof shape === 'string' ? shape : 'is not an index'}`,
      );
    // A registry may ignore the filter (it says so in OCI-Filters-Applied): filter here too.
    const manifests = shape.index.manifests.filter(
      (entry) => artifactType === undefined || entry.artifactType === artifactType,
    );
    return { manifests: manifests.map(toReferrer) };
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  private async followIndex(
    ref: ImageReference,
    image: string,
    index: FetchedManifest,
    platformText: string,
  ): Promise<FetchedManifest> {
    const platform = parsePlatform(platformText);
    if (!platform)
      throw new RegistryError(
        'INVALID_REFERENCE',
        image,
        `platform "${platformText}" is not os/architecture[/variant]`,
      );
    const shape = parseManifestShape(index.mediaType, index.json);
    if (typeof shape === 'string' || shape.kind !== 'index')
      throw new RegistryError(
        'INVALID_MANIFEST',
        image,
        `index ${typeof shape === 'string' ? shape : 'is not an index'}`,
      );
    const entry = selectPlatform(shape.index.manifests, platform);
    if (!entry) {
      throw new RegistryError(
        'PLATFORM_NOT_FOUND',
        image,
        `index has no ${platformText} image (it has: ${listPlatforms(shape.index.manifests)})`,
      );
    }
    const child = await this.getManifest(ref, entry.digest);
    if (!isImageManifestType(child.mediaType)) {
      throw new RegistryError(
        'INVALID_MANIFEST',
        image,
        `index entry ${entry.digest} for ${platformText} is a ${child.mediaType}, not an image manifest`,
      );
    }
    return child;
  }

  /** A manifest or index body, refused once it passes the manifest size limit. */
  private readManifestBody(
    body: AsyncIterable<Uint8Array>,
    image: string,
    what: string,
  ): Promise<Uint8Array> {
    return readCapped(
      body,
      this.maxManifestBytes,
      () =>
        new RegistryError(
          'MANIFEST_TOO_LARGE',
          image,
          `${what} is larger than ${String(this.maxManifestBytes)} bytes`,
        ),
    );
  }

  private get(
    ref: ImageReference,
    image: string,
    suffix: string,
    accept?: string,
  ): Promise<RegistryResponse> {
    return this.transport.send({
      image,
      registry: ref.registry,
      path: `/v2/${ref.repository}${suffix}`,
      scope: `repository:${ref.repository}:pull`,
      ...(accept ? { accept } : {}),
    });
  }
}

function toReferrer(entry: Descriptor): Referrers['manifests'][number] {
  return {
    mediaType: entry.mediaType,
    digest: entry.digest,
    size: entry.size,
    ...(entry.artifactType === undefined ? {} : { artifactType: entry.artifactType }),
    ...(entry.annotations === undefined ? {} : { annotations: entry.annotations }),
  };
}

/** `Link: </v2/a/b/tags/list?n=1000&last=x>; rel="next"` → the path below the repository. */
function nextPage(link: string | undefined, repository: string): string | undefined {
  const target = link === undefined ? undefined : /<([^>]+)>\s*;\s*rel="?next"?/.exec(link)?.[1];
  if (!target) return undefined;
  const url = new URL(target, 'http://registry');
  const prefix = `/v2/${repository}`;
  return url.pathname.startsWith(prefix)
    ? url.pathname.slice(prefix.length) + url.search
    : undefined;
}

/** The registry's own error text (`{"errors":[{"code","message"}]}`), for the reason. */
async function registryReason(response: RegistryResponse): Promise<string> {
  const text = await response.body.text().catch(() => '');
  try {
    const errors =
      (JSON.parse(text) as { errors?: Array<{ code?: string; message?: string }> }).errors ?? [];
    const first = errors[0];
    if (first) return `${first.code ?? ''}${first.message ? `: ${first.message}` : ''}`;
  } catch {
    // not JSON: fall through to the status alone
  }
  return `HTTP ${response.statusCode}`;
}

async function notFound(
  response: RegistryResponse,
  code: 'MANIFEST_NOT_FOUND' | 'BLOB_NOT_FOUND',
  image: string,
  what: string,
): Promise<RegistryError> {
  return new RegistryError(
    code,
    image,
    `${what} not found in the registry (${await registryReason(response)})`,
    { status: 404 },
  );
}

async function expectOk(response: RegistryResponse, image: string, what: string): Promise<void> {
  if (response.statusCode >= 200 && response.statusCode < 300) return;
  const reason = await registryReason(response);
  if (response.statusCode === 403)
    throw new RegistryError('DENIED', image, `registry denied access to the ${what} (${reason})`, {
      status: 403,
    });
  throw new RegistryError(
    'REGISTRY_ERROR',
    image,
    `registry answered HTTP ${response.statusCode} for the ${what} (${reason})`,
    { status: response.statusCode },
  );
}
