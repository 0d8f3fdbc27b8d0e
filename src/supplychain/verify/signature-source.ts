/**
 * Where signatures come from: the narrow interface the verifier needs, so verification is
 * tested with in-memory fakes and run against the registry through an adapter. A missing
 * signature is an empty list; a registry that cannot be reached THROWS (and is retried).
 */
import type { LegacySignature } from '../cosign/legacy-signature.ts';

export interface ImageName {
  registry: string;
  repository: string;
}

export interface SignatureSource {
  /** The layers of the `sha256-<hex>.sig` manifest; [] when that tag does not exist. */
  legacySignatures(image: ImageName, digest: string): Promise<LegacySignature[]>;
  /** Sigstore bundle documents (parsed JSON) that refer to the digest; [] when none. */
  bundles(image: ImageName, digest: string): Promise<unknown[]>;
  /** The image manifest bytes, for message-signature bundles that sign the manifest. */
  manifest(image: ImageName, digest: string): Promise<Uint8Array>;
}
