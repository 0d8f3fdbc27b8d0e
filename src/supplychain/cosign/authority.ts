/**
 * An authority is one way a signature can be trusted, compiled from the policy: a public key,
 * or a keyless identity (certificate SAN and OIDC issuer) under a trusted root. The
 * verifiers take these, never raw policy text, so every field was checked once at load.
 */
import type { KeyObject } from 'node:crypto';
import type { TrustMaterial } from '@sigstore/verify';

/** Exact string or regular expression (unanchored, like cosign's `--*-regexp` flags). */
export type Matcher = { exact: string } | { regexp: RegExp };

export interface KeyAuthority {
  kind: 'key';
  name: string;
  key: KeyObject;
  /** `sha256:<hex>` of the key: what the status records as the signer. */
  fingerprint: string;
  /** For key bundles that carry transparency-log entries; empty trust otherwise. */
  trust: TrustMaterial;
}

export interface KeylessAuthority {
  kind: 'keyless';
  name: string;
  identity: Matcher;
  /**
   * The OIDC issuer (Fulcio extension 1.3.6.1.4.1.57264.1.8, else .1.1). The policy schema
   * requires it, as cosign 2 does; left out only for certificates older than the extension.
   */
  issuer?: Matcher;
  trust: TrustMaterial;
  /**
   * Require a certificate-transparency SCT in the certificate, as cosign does unless
   * `--insecure-ignore-sct` (Fulcio embeds one since 2022; older certificates have none).
   */
  requireSct: boolean;
}

/** Verifier thresholds for a keyless authority: a log-proven time, SCTs when required. */
export function keylessThresholds(authority: KeylessAuthority) {
  return {
    tlogThreshold: 1,
    timestampThreshold: 1,
    ctlogThreshold: authority.requireSct ? 1 : 0,
  };
}

export type Authority = KeyAuthority | KeylessAuthority;

export type SignatureScheme = 'cosign-tag' | 'sigstore-bundle';

/** Who signed, as recorded in the ActionExecution status. */
export interface SignerInfo {
  scheme: SignatureScheme;
  authority: string;
  /** The certificate identity (SAN) or the key fingerprint. */
  identity: string;
  issuer?: string;
  /** When the transparency log (or TSA) saw the signature, for keyless. */
  signedAt?: string;
}

export function describeMatcher(matcher: Matcher): string {
  return 'exact' in matcher ? matcher.exact : `/${matcher.regexp.source}/`;
}
