/**
 * Turns a validated policy into what the verifiers use: parsed keys (with fingerprints),
 * compiled regular expressions and globs, trusted roots read once per file. Every problem
 * throws a PolicyConfigError naming the rule, the authority and the reason.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import type { Authority, Matcher } from '../cosign/authority.ts';
import { keyFingerprint, parsePublicKey } from '../cosign/public-keys.ts';
import {
  EMPTY_TRUSTED_ROOT,
  readTrustedRoot,
  trustMaterialForKey,
  trustMaterialForRoot,
} from '../cosign/trusted-root.ts';
import { compileGlob } from './match-image.ts';
import type { AuthoritySpec, ImagePolicySpec } from './policy-schema.ts';

export class PolicyConfigError extends Error {
  override readonly name = 'PolicyConfigError';
}

export interface CompiledRule {
  name: string;
  images: readonly string[];
  globs: readonly RegExp[];
  mode: 'enforce' | 'warn';
  threshold: number;
  authorities: readonly Authority[];
}

export interface CompiledPolicy {
  defaultAction: 'reject' | 'warn';
  rules: readonly CompiledRule[];
}

export interface CompileOptions {
  /** Relative key and trusted-root files resolve against this (the policy file's folder). */
  baseDir: string;
  /** Used when neither the authority nor the policy names a trusted root (--trusted-root). */
  defaultTrustedRoot?: string;
}

export function compilePolicy(spec: ImagePolicySpec, options: CompileOptions): CompiledPolicy {
  const roots = new Map<string, TrustedRoot>();
  const rootAt = (file: string, where: string): TrustedRoot => {
    const path = resolve(options.baseDir, file);
    let root = roots.get(path);
    if (!root) {
      root = attempt(where, () => readTrustedRoot(path));
      roots.set(path, root);
    }
    return root;
  };
  const defaultRoot = spec.trustedRoot ?? options.defaultTrustedRoot;
  return {
    defaultAction: spec.defaultAction,
    rules: spec.rules.map((rule, ruleIndex) => ({
      name: rule.name,
      images: rule.images,
      globs: rule.images.map(compileGlob),
      mode: rule.mode,
      threshold: rule.threshold,
      authorities: rule.authorities.map((authority, index) => {
        const where = `rules[${String(ruleIndex)}] (${rule.name}).authorities[${String(index)}]`;
        return compileAuthority(
          authority,
          where,
          options.baseDir,
          (file) => rootAt(file, where),
          defaultRoot,
        );
      }),
    })),
  };
}

function compileAuthority(
  spec: AuthoritySpec,
  where: string,
  baseDir: string,
  rootAt: (file: string) => TrustedRoot,
  defaultRoot: string | undefined,
): Authority {
  if ('key' in spec) {
    const source = spec.key;
    const pem =
      'pem' in source
        ? source.pem
        : attempt(where, () => readFileSync(resolve(baseDir, source.file), 'utf8'));
    const key = attempt(where, () => parsePublicKey(pem, `${where}.key`));
    const fingerprint = keyFingerprint(key);
    const root = defaultRoot ? rootAt(defaultRoot) : EMPTY_TRUSTED_ROOT;
    return {
      kind: 'key',
      name: spec.name ?? `key ${fingerprint.slice(0, 19)}`,
      key,
      fingerprint,
      trust: trustMaterialForKey(root, key),
    };
  }
  const keyless = spec.keyless;
  const rootFile = keyless.trustedRoot ?? defaultRoot;
  if (!rootFile) {
    throw new PolicyConfigError(
      `${where}.keyless.trustedRoot: a keyless authority needs a trusted root (here or at the policy's trustedRoot)`,
    );
  }
  const identity = matcher(
    keyless.identity,
    keyless.identityRegExp,
    `${where}.keyless.identityRegExp`,
  );
  const issuer = matcher(keyless.issuer, keyless.issuerRegExp, `${where}.keyless.issuerRegExp`);
  return {
    kind: 'keyless',
    name: spec.name ?? `keyless ${keyless.identity ?? keyless.identityRegExp ?? ''}`,
    identity,
    issuer,
    trust: trustMaterialForRoot(rootAt(rootFile)),
    requireSct: keyless.requireSct,
  };
}

function matcher(exact: string | undefined, regexp: string | undefined, field: string): Matcher {
  if (exact !== undefined) return { exact };
  try {
    return { regexp: new RegExp(regexp ?? '') };
  } catch (error) {
    throw new PolicyConfigError(`${field}: ${error instanceof Error ? error.message : ''}`);
  }
}

function attempt<T>(where: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw new PolicyConfigError(
      `${where}: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
}
