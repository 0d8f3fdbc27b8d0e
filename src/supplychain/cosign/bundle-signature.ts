/**
 * Verifies a Sigstore bundle (the OCI 1.1 referrer current cosign pushes) OFFLINE with
 * @sigstore/verify: trust material from a trusted-root file, never the TUF-backed
 * `sigstore.verify()`. What the library leaves to the caller is checked here: a DSSE
 * bundle's in-toto subject must be the image digest and its predicateType cosign's; a
 * message-signature bundle must sign the image manifest itself.
 */
import { createHash } from 'node:crypto';
import {
  bundleFromJSON,
  isBundleWithDsseEnvelope,
  isBundleWithMessageSignature,
  type Bundle,
} from '@sigstore/bundle';
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import { Verifier, toSignedEntity, type Signer } from '@sigstore/verify';
import { keylessThresholds, type Authority, type SignerInfo } from './authority.ts';
import { SignatureError } from './errors.ts';
import { checkKeylessSigner } from './match-identity.ts';
import { toSignatureError } from './sigstore-errors.ts';

export const SIGSTORE_BUNDLE_ARTIFACT_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const COSIGN_SIGN_PREDICATE_TYPE = 'https://sigstore.dev/cosign/sign/v1';
const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export interface BundleTarget {
  /** The image digest, `sha256:<hex>`. */
  digest: string;
  /** The image manifest bytes: the artifact a message-signature bundle signs. */
  manifest?: Uint8Array;
  /** Accepted in-toto predicate types; cosign's image signature by default. */
  predicateTypes?: readonly string[];
}

export function parseBundle(json: unknown): Bundle {
  try {
    return bundleFromJSON(json);
  } catch (error) {
    throw new SignatureError('MALFORMED_SIGNATURE', `not a Sigstore bundle: ${message(error)}`, {
      cause: error,
    });
  }
}

export function verifyBundle(
  bundle: Bundle,
  target: BundleTarget,
  authority: Authority,
): SignerInfo {
  const artifact = checkSubject(bundle, target);
  const keyBundle = bundle.verificationMaterial.content.$case === 'publicKey';
  if (authority.kind === 'key' && !keyBundle) {
    throw new SignatureError('KEY_MISMATCH', 'bundle is signed keyless; the authority is a key');
  }
  if (authority.kind === 'keyless' && keyBundle) {
    throw new SignatureError('CERTIFICATE_INVALID', 'bundle is signed by a key, not keyless');
  }
  // A key is its own trust: no log entry or timestamp is required (cosign --key with a
  // bundle that was not uploaded). Keyless needs a log-proven time for the short-lived cert.
  const verifier = new Verifier(
    authority.trust,
    authority.kind === 'key'
      ? { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }
      : keylessThresholds(authority),
  );
  let signer: Signer;
  try {
    signer = verifier.verify(toSignedEntity(bundle, artifact));
  } catch (error) {
    throw toSignatureError(error);
  }
  if (authority.kind === 'key') {
    if (!signer.key.equals(authority.key)) {
      throw new SignatureError('KEY_MISMATCH', 'bundle was verified with another key');
    }
    return {
      scheme: 'sigstore-bundle',
      authority: authority.name,
      identity: authority.fingerprint,
    };
  }
  return checkKeylessSigner(authority, signer, 'sigstore-bundle');
}

/** Binds the bundle to the image; returns the artifact bytes a message signature covers. */
function checkSubject(bundle: Bundle, target: BundleTarget): Buffer | undefined {
  const hex = target.digest.replace(/^sha256:/, '');
  if (isBundleWithDsseEnvelope(bundle)) {
    const envelope = bundle.content.dsseEnvelope;
    if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
      throw new SignatureError(
        'MALFORMED_SIGNATURE',
        `DSSE payload type ${envelope.payloadType} is not in-toto`,
      );
    }
    checkStatement(envelope.payload, hex, target);
    return undefined;
  }
  if (isBundleWithMessageSignature(bundle)) {
    const signed = bundle.content.messageSignature.messageDigest;
    if (signed.algorithm !== HashAlgorithm.SHA2_256 || signed.digest.toString('hex') !== hex) {
      throw new SignatureError('DIGEST_MISMATCH', `bundle message digest is not ${target.digest}`);
    }
    const manifest = target.manifest;
    if (!manifest || createHash('sha256').update(manifest).digest('hex') !== hex) {
      throw new SignatureError(
        'DIGEST_MISMATCH',
        `the manifest of ${target.digest} is needed to check a message signature`,
      );
    }
    return Buffer.from(manifest);
  }
  throw new SignatureError('MALFORMED_SIGNATURE', 'bundle has neither DSSE nor message signature');
}

interface Statement {
  predicateType?: unknown;
  subject?: Array<{ digest?: Record<string, unknown> }>;
}

function checkStatement(payload: Buffer, hex: string, target: BundleTarget): void {
  let statement: Statement;
  try {
    statement = JSON.parse(payload.toString('utf8')) as Statement;
  } catch {
    throw new SignatureError('MALFORMED_SIGNATURE', 'in-toto statement is not JSON');
  }
  const accepted = target.predicateTypes ?? [COSIGN_SIGN_PREDICATE_TYPE];
  if (typeof statement.predicateType !== 'string' || !accepted.includes(statement.predicateType)) {
    throw new SignatureError(
      'MALFORMED_SIGNATURE',
      `in-toto predicateType ${String(statement.predicateType)} is not ${accepted.join(' or ')}`,
    );
  }
  const subjects = Array.isArray(statement.subject) ? statement.subject : [];
  if (!subjects.some((subject) => subject.digest?.sha256 === hex)) {
    throw new SignatureError('DIGEST_MISMATCH', `in-toto subject is not ${target.digest}`);
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
