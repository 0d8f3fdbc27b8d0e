/**
 * Checks one digest-pinned image against the policy: the covering rule, the signatures in
 * both cosign storage formats, each authority tried against each signature, the threshold.
 * Verification failures are results; a registry that cannot be reached throws (retry).
 */
import type { Bundle } from '@sigstore/bundle';
import type { Authority, SignerInfo } from '../cosign/authority.ts';
import { parseBundle, verifyBundle } from '../cosign/bundle-signature.ts';
import type { SignatureError } from '../cosign/errors.ts';
import { isSignatureError } from '../cosign/errors.ts';
import { verifyLegacySignature, type LegacySignature } from '../cosign/legacy-signature.ts';
import type { CompiledPolicy } from '../policy/compile-policy.ts';
import { decideRule, selectRule, type AuthorityOutcome } from '../policy/evaluate-policy.ts';
import type { ImageVerification } from './image-verification.ts';
import type { ImageName, SignatureSource } from './signature-source.ts';
import { VerificationCache } from './verification-cache.ts';

export interface ImageVerifierOptions {
  policy: CompiledPolicy;
  source: SignatureSource;
  cache?: VerificationCache;
}

interface Signatures {
  legacy: LegacySignature[];
  bundles: Array<Bundle | SignatureError>;
  manifest?: Uint8Array;
}

export class ImageVerifier {
  readonly policy: CompiledPolicy;
  private readonly source: SignatureSource;
  private readonly cache: VerificationCache;

  constructor(options: ImageVerifierOptions) {
    this.policy = options.policy;
    this.source = options.source;
    this.cache = options.cache ?? new VerificationCache();
  }

  /** Whether a rule covers the image: only then is its registry asked for signatures. */
  covers(image: ImageName): boolean {
    return selectRule(this.policy, `${image.registry}/${image.repository}`) !== undefined;
  }

  async verify(image: ImageName, digest: string): Promise<ImageVerification> {
    const name = `${image.registry}/${image.repository}`;
    const display = `${name}@${digest}`;
    const rule = selectRule(this.policy, name);
    if (!rule) {
      return {
        image: display,
        digest,
        mode: this.policy.defaultAction === 'warn' ? 'warn' : 'enforce',
        verified: false,
        signers: [],
        reason: `no policy rule covers ${name} (defaultAction: ${this.policy.defaultAction})`,
      };
    }
    const key = `${rule.name}\n${display}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    let decision;
    try {
      const signatures = await this.fetchSignatures(image, digest);
      const outcomes = rule.authorities.map((authority) =>
        checkAuthority(authority, signatures, digest),
      );
      decision = decideRule(rule, outcomes);
    } catch (error) {
      // A signature object the registry holds but that is unusable; outages still throw.
      if (!isSignatureError(error)) throw error;
      decision = { verified: false, signers: [], reason: `${error.code}: ${error.message}` };
    }
    const verification: ImageVerification = {
      image: display,
      digest,
      rule: rule.name,
      mode: rule.mode,
      verified: decision.verified,
      signers: decision.signers,
      ...(decision.reason ? { reason: decision.reason } : {}),
    };
    this.cache.remember(key, verification);
    return verification;
  }

  private async fetchSignatures(image: ImageName, digest: string): Promise<Signatures> {
    const [legacy, documents] = await Promise.all([
      this.source.legacySignatures(image, digest),
      this.source.bundles(image, digest),
    ]);
    const bundles = documents.map((document) => {
      try {
        return parseBundle(document);
      } catch (error) {
        if (isSignatureError(error)) return error;
        throw error;
      }
    });
    const needsManifest = bundles.some(
      (bundle) => !(bundle instanceof Error) && bundle.content.$case === 'messageSignature',
    );
    return {
      legacy,
      bundles,
      ...(needsManifest ? { manifest: await this.source.manifest(image, digest) } : {}),
    };
  }
}

/** The first signature this authority verifies; else every distinct reason it did not. */
function checkAuthority(
  authority: Authority,
  signatures: Signatures,
  digest: string,
): AuthorityOutcome {
  const reasons = new Set<string>();
  const attempt = (verify: () => SignerInfo): SignerInfo | undefined => {
    try {
      return verify();
    } catch (error) {
      if (!isSignatureError(error)) throw error;
      reasons.add(`${error.code}: ${error.message}`);
      return undefined;
    }
  };
  for (const signature of signatures.legacy) {
    const signer = attempt(() => verifyLegacySignature(signature, digest, authority));
    if (signer) return { authority: authority.name, signer };
  }
  for (const bundle of signatures.bundles) {
    const signer = attempt(() => {
      if (bundle instanceof Error) throw bundle;
      return verifyBundle(
        bundle,
        { digest, ...(signatures.manifest ? { manifest: signatures.manifest } : {}) },
        authority,
      );
    });
    if (signer) return { authority: authority.name, signer };
  }
  if (signatures.legacy.length === 0 && signatures.bundles.length === 0) {
    reasons.add('NO_SIGNATURE: no signature at the .sig tag or among the referrers');
  }
  return { authority: authority.name, reasons: [...reasons] };
}
