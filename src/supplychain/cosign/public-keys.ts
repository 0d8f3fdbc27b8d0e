/**
 * Public keys as cosign uses them: PEM (SPKI) ECDSA P-256/P-384/P-521, Ed25519 and RSA.
 * The hash follows the key as in sigstore-go's signature loader: SHA-256 for P-256 and RSA,
 * SHA-384 for P-384, SHA-512 for P-521, none for Ed25519 (it hashes internally).
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { SignatureError } from './errors.ts';

const CURVE_HASHES: Readonly<Record<string, string>> = {
  prime256v1: 'sha256',
  secp384r1: 'sha384',
  secp521r1: 'sha512',
};

/** Parses a PEM public key; the error names `field` and the reason. */
export function parsePublicKey(pem: string, field: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (error) {
    throw new SignatureError('UNSUPPORTED_KEY', `${field}: not a PEM public key`, {
      cause: error,
    });
  }
  signatureHash(key, field);
  return key;
}

/** The digest algorithm cosign signs with for this key; null for Ed25519. */
export function signatureHash(key: KeyObject, field = 'key'): string | null {
  switch (key.asymmetricKeyType) {
    case 'ed25519':
      return null;
    case 'rsa':
    case 'rsa-pss':
      return 'sha256';
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve ?? '';
      const hash = CURVE_HASHES[curve];
      if (hash) return hash;
      throw new SignatureError('UNSUPPORTED_KEY', `${field}: unsupported curve ${curve}`);
    }
    default:
      throw new SignatureError(
        'UNSUPPORTED_KEY',
        `${field}: unsupported key type ${String(key.asymmetricKeyType)}`,
      );
  }
}

/** Verifies a raw signature over exactly these bytes (never re-serialized). */
export function verifyRawSignature(key: KeyObject, data: Uint8Array, signature: Uint8Array) {
  try {
    return verify(signatureHash(key), data, key, signature);
  } catch {
    // OpenSSL throws on some malformed signatures instead of returning false.
    return false;
  }
}

/** `sha256:<hex>` of the key's DER SubjectPublicKeyInfo: the signer of a key authority. */
export function keyFingerprint(key: KeyObject): string {
  const der = key.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(der).digest('hex')}`;
}
