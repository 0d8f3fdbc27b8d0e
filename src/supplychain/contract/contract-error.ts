/**
 * Why an image's contract could not be read: missing (or deleted by a whiteout), not a
 * valid ActionContract, too large, or a layer that is not a readable tar. Registry failures
 * (unreachable, digest mismatch, a layer over the size limit) stay RegistryErrors.
 */

export type ContractErrorCode =
  'CONTRACT_NOT_FOUND' | 'CONTRACT_INVALID' | 'CONTRACT_TOO_LARGE' | 'LAYER_UNREADABLE';

export class ContractError extends Error {
  override readonly name = 'ContractError';
  readonly code: ContractErrorCode;
  readonly image: string;

  constructor(
    code: ContractErrorCode,
    image: string,
    reason: string,
    options: { cause?: unknown } = {},
  ) {
    super(`${image}: ${reason}`, options.cause === undefined ? {} : { cause: options.cause });
    this.code = code;
    this.image = image;
  }
}

export const isContractError = (error: unknown, code?: ContractErrorCode): error is ContractError =>
  error instanceof ContractError && (code === undefined || error.code === code);
