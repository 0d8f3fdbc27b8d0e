/**
 * The simple-signing payload of cosign's tag scheme. The signature covers the exact stored
 * bytes; this module only reads them to bind the signature to the image digest.
 */
import { SignatureError } from './errors.ts';

export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';

export interface SimpleSigningPayload {
  dockerManifestDigest: string;
  /** Informational, as in cosign: where the signer said the image lived. */
  dockerReference?: string;
  type?: string;
}

export function parseSimpleSigning(bytes: Uint8Array): SimpleSigningPayload {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new SignatureError('MALFORMED_SIGNATURE', 'simple-signing payload is not JSON');
  }
  const critical = field(json, 'critical');
  const digest = field(field(critical, 'image'), 'docker-manifest-digest');
  if (typeof digest !== 'string') {
    throw new SignatureError(
      'MALFORMED_SIGNATURE',
      'simple-signing payload: critical.image.docker-manifest-digest is missing',
    );
  }
  const reference = field(field(critical, 'identity'), 'docker-reference');
  const type = field(critical, 'type');
  return {
    dockerManifestDigest: digest,
    ...(typeof reference === 'string' ? { dockerReference: reference } : {}),
    ...(typeof type === 'string' ? { type } : {}),
  };
}

/** The payload must name the image being verified, or the signature is for another image. */
export function checkPayloadDigest(payload: SimpleSigningPayload, digest: string): void {
  if (payload.dockerManifestDigest !== digest) {
    throw new SignatureError(
      'DIGEST_MISMATCH',
      `signature payload is for ${payload.dockerManifestDigest}, not ${digest}`,
    );
  }
}

function field(value: unknown, name: string): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  return (value as Record<string, unknown>)[name];
}
