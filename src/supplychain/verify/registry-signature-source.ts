/**
 * Signatures from an OCI registry through the registry client: cosign's `sha256-<hex>.sig`
 * tag (simple-signing layers with annotations) and Sigstore bundles among the OCI 1.1
 * referrers (the referrers API, or the `sha256-<hex>` tag index when the registry has none).
 * Not found is "no signature"; an unreachable registry throws and the caller retries; any
 * other registry failure for a signature object makes that signature unusable, with why.
 */
import { SIGSTORE_BUNDLE_ARTIFACT_TYPE } from '../cosign/bundle-signature.ts';
import { SignatureError } from '../cosign/errors.ts';
import type { LegacySignature } from '../cosign/legacy-signature.ts';
import { SIMPLE_SIGNING_MEDIA_TYPE } from '../cosign/simple-signing.ts';
import type { ImageReference } from '../oci/image-reference.ts';
import type { Descriptor } from '../oci/media-types.ts';
import type { RegistryClient } from '../oci/registry-client.ts';
import { isRegistryError } from '../oci/registry-error.ts';
import type { ImageName, SignatureSource } from './signature-source.ts';

const ANNOTATION_SIGNATURE = 'dev.cosignproject.cosign/signature';
const ANNOTATION_CERTIFICATE = 'dev.sigstore.cosign/certificate';
const ANNOTATION_CHAIN = 'dev.sigstore.cosign/chain';
const ANNOTATION_BUNDLE = 'dev.sigstore.cosign/bundle';
/** Signature payloads and bundles are small; a huge one is refused, not read. */
const MAX_SIGNATURE_BLOB_BYTES = 1024 * 1024;

/** `sha256:<hex>` → `sha256-<hex>`: the tag both cosign schemes derive from a digest. */
export function digestTag(digest: string): string {
  return digest.replace(':', '-');
}

/** How long a registry found without the referrers API goes straight to the tag fallback. */
const NO_REFERRERS_API_MS = 10 * 60_000;

export class RegistrySignatureSource implements SignatureSource {
  private readonly client: RegistryClient;
  /** Registries that answered the referrers API with 404, and when (one round trip saved). */
  private readonly noReferrersApi = new Map<string, number>();

  constructor(client: RegistryClient) {
    this.client = client;
  }

  async legacySignatures(image: ImageName, digest: string): Promise<LegacySignature[]> {
    const manifest = await orNothing(() =>
      this.client.getManifest(image, `${digestTag(digest)}.sig`),
    );
    if (!manifest) return [];
    const layers = (manifest.json as { layers?: Descriptor[] }).layers ?? [];
    const signatures: LegacySignature[] = [];
    for (const layer of layers) {
      if (layer.mediaType !== SIMPLE_SIGNING_MEDIA_TYPE) continue;
      const annotations = layer.annotations ?? {};
      const signature = annotations[ANNOTATION_SIGNATURE];
      if (signature === undefined) continue;
      const payload = await unusable(() => this.blob(image, layer.digest));
      signatures.push({
        payload,
        signature,
        ...optional('certificate', annotations[ANNOTATION_CERTIFICATE]),
        ...optional('chain', annotations[ANNOTATION_CHAIN]),
        ...optional('rekorBundle', annotations[ANNOTATION_BUNDLE]),
      });
    }
    return signatures;
  }

  async bundles(image: ImageName, digest: string): Promise<unknown[]> {
    const ref = image;
    const referrers = await this.referrersOf(ref, digest);
    const documents: unknown[] = [];
    for (const referrer of referrers) {
      const manifest = await unusable(() => this.client.getManifest(ref, referrer.digest));
      const layers = (manifest.json as { layers?: Descriptor[] }).layers ?? [];
      for (const layer of layers) {
        if (!layer.mediaType.startsWith('application/vnd.dev.sigstore.bundle')) continue;
        const bytes = await unusable(() => this.blob(image, layer.digest));
        documents.push(parseJson(bytes));
      }
    }
    return documents;
  }

  async manifest(image: ImageName, digest: string): Promise<Uint8Array> {
    return (await this.client.getManifest(image, digest)).bytes;
  }

  /** The referrers API; for a registry known to lack it (for a while), the tag fallback. */
  private async referrersOf(ref: ImageReference, digest: string) {
    const since = this.noReferrersApi.get(ref.registry);
    if (since === undefined || Date.now() - since > NO_REFERRERS_API_MS) {
      const listed = await this.client.getReferrers(ref, digest, SIGSTORE_BUNDLE_ARTIFACT_TYPE);
      if (listed) {
        this.noReferrersApi.delete(ref.registry);
        return listed.manifests;
      }
      this.noReferrersApi.set(ref.registry, Date.now());
    }
    return this.fallbackReferrers(ref, digest);
  }

  /** OCI 1.1 without a referrers API: an index at tag `sha256-<hex>` lists them. */
  private async fallbackReferrers(ref: ImageReference, digest: string) {
    const index = await orNothing(() => this.client.getManifest(ref, digestTag(digest)));
    const manifests =
      (index?.json as { manifests?: Array<Descriptor & { artifactType?: string }> } | undefined)
        ?.manifests ?? [];
    return manifests.filter((entry) => entry.artifactType === SIGSTORE_BUNDLE_ARTIFACT_TYPE);
  }

  private blob(image: ImageName, digest: string): Promise<Uint8Array> {
    return this.client.getBlob(image, digest, {
      maxBytes: MAX_SIGNATURE_BLOB_BYTES,
    });
  }
}

async function orNothing<T>(fetch: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fetch();
  } catch (error) {
    if (isRegistryError(error, 'MANIFEST_NOT_FOUND')) return undefined;
    throw error;
  }
}

/** A registry failure other than an outage makes this signature unusable (not a retry). */
async function unusable<T>(fetch: () => Promise<T>): Promise<T> {
  try {
    return await fetch();
  } catch (error) {
    if (isRegistryError(error) && !error.transient) {
      throw new SignatureError('MALFORMED_SIGNATURE', error.message, { cause: error });
    }
    throw error;
  }
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return { invalid: 'bundle layer is not JSON' };
  }
}

function optional<K extends string>(key: K, value: string | undefined) {
  return (value === undefined ? {} : { [key]: value }) as Partial<Record<K, string>>;
}
