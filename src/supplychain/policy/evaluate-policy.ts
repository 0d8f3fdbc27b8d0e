/**
 * The pure half of policy evaluation: which rule covers an image, and whether the outcome of
 * each authority meets the rule's threshold. No I/O; the verifier feeds it.
 */
import type { SignerInfo } from '../cosign/authority.ts';
import type { CompiledPolicy, CompiledRule } from './compile-policy.ts';
import { matchesAny } from './match-image.ts';

/** The first rule whose globs cover `registry/repository`, in policy order. */
export function selectRule(policy: CompiledPolicy, name: string): CompiledRule | undefined {
  return policy.rules.find((rule) => matchesAny(rule.globs, name));
}

export type AuthorityOutcome =
  { authority: string; signer: SignerInfo } | { authority: string; reasons: string[] };

export interface RuleDecision {
  verified: boolean;
  /** The authorities that verified, in policy order. */
  signers: SignerInfo[];
  /** Why it failed, one clause per authority, when it did. */
  reason?: string;
}

export function decideRule(
  rule: CompiledRule,
  outcomes: readonly AuthorityOutcome[],
): RuleDecision {
  const signers = outcomes.flatMap((outcome) => ('signer' in outcome ? [outcome.signer] : []));
  if (signers.length >= rule.threshold) return { verified: true, signers };
  const failures = outcomes.flatMap((outcome) =>
    'reasons' in outcome ? [`${outcome.authority}: ${outcome.reasons.join('; ')}`] : [],
  );
  const needed =
    rule.threshold > 1
      ? `${String(signers.length)} of ${String(rule.threshold)} authorities verified; `
      : '';
  return { verified: false, signers, reason: `${needed}${failures.join(' | ')}` };
}
