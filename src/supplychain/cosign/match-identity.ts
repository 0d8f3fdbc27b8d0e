/**
 * Checks a certificate's identity against a keyless authority: the SAN (email or URI) and
 * the OIDC issuer from Fulcio's extensions, each exact or by regular expression.
 */
import type { Signer } from '@sigstore/verify';
import {
  describeMatcher,
  type KeylessAuthority,
  type Matcher,
  type SignatureScheme,
  type SignerInfo,
} from './authority.ts';
import { SignatureError } from './errors.ts';

export interface CertificateIdentity {
  subjectAlternativeName?: string;
  issuer?: string;
}

export function matchIdentity(authority: KeylessAuthority, identity: CertificateIdentity): void {
  const san = identity.subjectAlternativeName;
  if (san === undefined || !matches(authority.identity, san)) {
    throw new SignatureError(
      'IDENTITY_MISMATCH',
      `certificate identity ${san ?? '(none)'} does not match ${describeMatcher(authority.identity)}`,
    );
  }
  const issuer = identity.issuer;
  if (!authority.issuer) return;
  if (issuer === undefined || !matches(authority.issuer, issuer)) {
    throw new SignatureError(
      'ISSUER_MISMATCH',
      `certificate OIDC issuer ${issuer ?? '(none)'} does not match ${describeMatcher(authority.issuer)}`,
    );
  }
}

function matches(matcher: Matcher, value: string): boolean {
  return 'exact' in matcher ? matcher.exact === value : matcher.regexp.test(value);
}

/** Checks the verified certificate's identity and describes the signer for the status. */
export function checkKeylessSigner(
  authority: KeylessAuthority,
  signer: Signer,
  scheme: SignatureScheme,
): SignerInfo {
  const identity = {
    subjectAlternativeName: signer.identity?.subjectAlternativeName,
    issuer: signer.identity?.extensions?.issuer,
  };
  matchIdentity(authority, identity);
  return {
    scheme,
    authority: authority.name,
    identity: identity.subjectAlternativeName ?? '',
    ...(identity.issuer ? { issuer: identity.issuer } : {}),
  };
}
