/**
 * Verifies one signature of cosign's tag scheme (`sha256-<hex>.sig`): a signature over the
 * exact stored simple-signing payload bytes, by a key, or by a Fulcio certificate whose
 * Rekor bundle proves when it was signed. The certificate chain, its validity at that time
 * and the SCTs are checked by @sigstore/verify's Verifier on an entity built here.
 */
import { createHash } from 'node:crypto';
import { X509Certificate } from '@sigstore/core';
import { Verifier, type SignedEntity, type Signer } from '@sigstore/verify';
import {
  keylessThresholds,
  type Authority,
  type KeylessAuthority,
  type SignerInfo,
} from './authority.ts';
import { SignatureError } from './errors.ts';
import { checkKeylessSigner } from './match-identity.ts';
import { verifyRawSignature } from './public-keys.ts';
import { verifyRekorBundle } from './rekor-set.ts';
import { checkPayloadDigest, parseSimpleSigning } from './simple-signing.ts';
import { toSignatureError } from './sigstore-errors.ts';

/** One layer of the signature manifest: the payload blob and its annotations. */
export interface LegacySignature {
  payload: Uint8Array;
  /** `dev.cosignproject.cosign/signature`, base64. */
  signature: string;
  /** `dev.sigstore.cosign/certificate`, PEM (keyless). */
  certificate?: string;
  /** `dev.sigstore.cosign/chain`, PEM; informational: the trusted root holds the CAs. */
  chain?: string;
  /** `dev.sigstore.cosign/bundle`: Rekor's SET bundle, JSON. */
  rekorBundle?: string;
}

export function verifyLegacySignature(
  signature: LegacySignature,
  digest: string,
  authority: Authority,
): SignerInfo {
  checkPayloadDigest(parseSimpleSigning(signature.payload), digest);
  const raw = Buffer.from(signature.signature, 'base64');
  if (authority.kind === 'key') {
    if (!verifyRawSignature(authority.key, signature.payload, raw)) {
      throw new SignatureError('SIGNATURE_INVALID', 'signature does not verify with the key');
    }
    return { scheme: 'cosign-tag', authority: authority.name, identity: authority.fingerprint };
  }
  return verifyKeyless(signature, raw, authority);
}

function verifyKeyless(
  signature: LegacySignature,
  raw: Buffer,
  authority: KeylessAuthority,
): SignerInfo {
  if (!signature.certificate) {
    throw new SignatureError('CERTIFICATE_INVALID', 'keyless authority, but no certificate');
  }
  if (!signature.rekorBundle) {
    throw new SignatureError(
      'TLOG_INVALID',
      'no Rekor bundle beside the certificate: offline verification needs one',
    );
  }
  let certificate: X509Certificate;
  try {
    certificate = X509Certificate.parse(signature.certificate);
  } catch {
    throw new SignatureError('CERTIFICATE_INVALID', 'certificate is not PEM X.509');
  }
  const { signedAt, entry } = verifyRekorBundle(signature.rekorBundle, authority.trust, {
    signature: raw,
    payloadSha256: createHash('sha256').update(signature.payload).digest('hex'),
    certificateDer: certificate.root.toDER(),
  });
  const entity: SignedEntity = {
    signature: payloadSignature(signature.payload, raw),
    key: { $case: 'certificate', certificate },
    // The SET and the body (a `rekord` kind the Verifier does not parse) were checked above,
    // so the entry's integrated time is a trusted timestamp for the certificate's validity.
    timestamps: [{ $case: 'transparency-log', tlogEntry: entry }],
    tlogEntries: [],
  };
  // No tlogEntries: the timestamp above stands for the entry already checked.
  const verifier = new Verifier(authority.trust, {
    ...keylessThresholds(authority),
    tlogThreshold: 0,
  });
  let signer: Signer;
  try {
    signer = verifier.verify(entity);
  } catch (error) {
    throw toSignatureError(error);
  }
  return {
    ...checkKeylessSigner(authority, signer, 'cosign-tag'),
    signedAt: signedAt.toISOString(),
  };
}

/** Message-signature content over the exact payload bytes, hashed as the key requires. */
function payloadSignature(payload: Uint8Array, raw: Buffer): SignedEntity['signature'] {
  const payloadDigest = createHash('sha256').update(payload).digest();
  return {
    signature: raw,
    compareSignature: (other) => other.equals(raw),
    compareDigest: (other) => other.equals(payloadDigest),
    compareSignedDigest: (other) => other.equals(payloadDigest),
    verifySignature: (key) => verifyRawSignature(key, payload, raw),
  };
}
