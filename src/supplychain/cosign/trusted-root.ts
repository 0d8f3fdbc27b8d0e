/**
 * Trust material from a Sigstore trusted_root.json (Fulcio CAs, Rekor and CT log keys, TSAs)
 * read from a file: verification never reaches public-good services (no TUF, no Rekor).
 */
import { readFileSync } from 'node:fs';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial, type KeyFinderFunc, type TrustMaterial } from '@sigstore/verify';
import type { KeyObject } from 'node:crypto';

/** Parses trusted-root JSON; the error names the source and the reason. */
export function parseTrustedRoot(text: string, source: string): TrustedRoot {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source}: trusted root is not JSON`, { cause: error });
  }
  const mediaType = (json as { mediaType?: unknown } | null)?.mediaType;
  if (typeof mediaType !== 'string' || !mediaType.includes('trustedroot')) {
    throw new Error(`${source}: not a Sigstore trusted root (mediaType ${String(mediaType)})`);
  }
  return TrustedRoot.fromJSON(json);
}

export function readTrustedRoot(path: string): TrustedRoot {
  return parseTrustedRoot(readFileSync(path, 'utf8'), path);
}

/** A root that trusts nothing: for key authorities, where the key is the whole trust. */
export const EMPTY_TRUSTED_ROOT: TrustedRoot = TrustedRoot.fromJSON({
  mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
  tlogs: [],
  certificateAuthorities: [],
  ctlogs: [],
  timestampAuthorities: [],
});

/** Trust material whose public-key lookup answers with this one key, whatever the hint. */
export function trustMaterialForKey(root: TrustedRoot, key: KeyObject): TrustMaterial {
  const finder: KeyFinderFunc = () => ({ publicKey: key, validFor: () => true });
  return toTrustMaterial(root, finder);
}

export function trustMaterialForRoot(root: TrustedRoot): TrustMaterial {
  return toTrustMaterial(root);
}
