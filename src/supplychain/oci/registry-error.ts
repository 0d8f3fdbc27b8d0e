/**
 * One error class for everything the registry client can fail with, each with a string code
 * (asserted by tests, mapped to step reasons by callers), the image it concerns and whether a
 * later retry may succeed. A registry that cannot be reached is an error, never a pass.
 */

export type RegistryErrorCode =
  | 'INVALID_REFERENCE'
  | 'REGISTRY_UNREACHABLE'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'MANIFEST_NOT_FOUND'
  | 'BLOB_NOT_FOUND'
  | 'INVALID_MANIFEST'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PLATFORM_NOT_FOUND'
  | 'DIGEST_MISMATCH'
  | 'MANIFEST_TOO_LARGE'
  | 'LAYER_TOO_LARGE'
  | 'REGISTRY_ERROR';

/** Codes a retry can fix: the registry may come back. Everything else is a fact about the image. */
const TRANSIENT: ReadonlySet<RegistryErrorCode> = new Set(['REGISTRY_UNREACHABLE']);

export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  readonly code: RegistryErrorCode;
  /** The image (or registry) the error concerns, as the user wrote it. */
  readonly image: string;
  /** The HTTP status, when the registry answered. */
  readonly status: number | undefined;

  constructor(
    code: RegistryErrorCode,
    image: string,
    reason: string,
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(`${image}: ${reason}`, options.cause === undefined ? {} : { cause: options.cause });
    this.code = code;
    this.image = image;
    this.status = options.status;
  }

  /** True when a later attempt may succeed (the registry was down or failing). */
  get transient(): boolean {
    return TRANSIENT.has(this.code);
  }
}

export const isRegistryError = (error: unknown, code?: RegistryErrorCode): error is RegistryError =>
  error instanceof RegistryError && (code === undefined || error.code === code);
