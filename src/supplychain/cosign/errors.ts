/**
 * One error type for a signature that does not verify, with a string code tests assert on
 * (the sigstore-js way). Anything else thrown while verifying (a registry that cannot be
 * reached, a timeout) is NOT a SignatureError: callers retry those and never treat them as
 * a pass or a final failure.
 */
export type SignatureErrorCode =
  | 'NO_SIGNATURE'
  | 'DIGEST_MISMATCH'
  | 'MALFORMED_SIGNATURE'
  | 'SIGNATURE_INVALID'
  | 'CERTIFICATE_INVALID'
  | 'TLOG_INVALID'
  | 'IDENTITY_MISMATCH'
  | 'ISSUER_MISMATCH'
  | 'KEY_MISMATCH'
  | 'UNSUPPORTED_KEY';

export class SignatureError extends Error {
  override readonly name = 'SignatureError';
  readonly code: SignatureErrorCode;

  constructor(code: SignatureErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

export function isSignatureError(error: unknown): error is SignatureError {
  return error instanceof SignatureError;
}
