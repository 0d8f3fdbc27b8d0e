/** The result of checking one image against the policy: what the status and CLI report. */
import type { SignerInfo } from '../cosign/authority.ts';

export interface ImageVerification {
  /** The image as given, `registry/repository@sha256:...`. */
  image: string;
  digest: string;
  /** The rule that covered the image; undefined when none did. */
  rule?: string;
  /** enforce: a failure stops the step; warn: it is logged and recorded, the step runs. */
  mode: 'enforce' | 'warn';
  verified: boolean;
  signers: SignerInfo[];
  /** Why it did not verify, naming each authority. */
  reason?: string;
}

/** The one-line signer for the status: identity (issuer) or key fingerprint. */
export function describeSigner(verification: ImageVerification): string | undefined {
  const first = verification.signers[0];
  if (!first) return undefined;
  return first.issuer ? `${first.identity} (${first.issuer})` : first.identity;
}
