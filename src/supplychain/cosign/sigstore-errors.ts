/** Maps @sigstore/verify's errors to ours, keeping its message and cause. */
import { PolicyError, VerificationError } from '@sigstore/verify';
import { SignatureError, type SignatureErrorCode } from './errors.ts';

const CODES: Readonly<Record<string, SignatureErrorCode>> = {
  CERTIFICATE_ERROR: 'CERTIFICATE_INVALID',
  PUBLIC_KEY_ERROR: 'KEY_MISMATCH',
  SIGNATURE_ERROR: 'SIGNATURE_INVALID',
  TIMESTAMP_ERROR: 'TLOG_INVALID',
  TLOG_ERROR: 'TLOG_INVALID',
  TLOG_BODY_ERROR: 'TLOG_INVALID',
  TLOG_INCLUSION_PROOF_ERROR: 'TLOG_INVALID',
  TLOG_INCLUSION_PROMISE_ERROR: 'TLOG_INVALID',
  TLOG_MISSING_INCLUSION_ERROR: 'TLOG_INVALID',
  UNTRUSTED_SIGNER_ERROR: 'IDENTITY_MISMATCH',
};

export function toSignatureError(error: unknown): SignatureError {
  if (error instanceof SignatureError) return error;
  if (error instanceof VerificationError || error instanceof PolicyError) {
    const code = CODES[error.code] ?? 'SIGNATURE_INVALID';
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return new SignatureError(code, `${error.message}${cause}`, { cause: error });
  }
  // Anything the library throws on bad input is a bad signature, not an outage.
  const message = error instanceof Error ? error.message : String(error);
  return new SignatureError('MALFORMED_SIGNATURE', message, { cause: error });
}
