/**
 * The checks that run before a step's Job may exist (invariant 6). The supply chain
 * (signature, contract, inputs) plugs in here; until it does, an image must at least be
 * pinned by digest.
 */
import type { ActionContract } from '../../api/action-contract.ts';
import type { ActionExecution } from '../../api/action-execution.ts';
import { PINNED_IMAGE_RE } from '../../workflow/validate-steps.ts';

export interface Verification {
  verified: boolean;
  digest?: string;
  scheme?: string;
  signer?: string;
  policyRule?: string;
  contractDigest?: string;
  message?: string;
}

export type StepStartResult =
  | {
      ok: true;
      verification: Verification;
      contract?: ActionContract;
      inputs?: Record<string, unknown>;
    }
  | { ok: false; reason: string; message: string; verification?: Verification };

export type OutputCheckResult = { ok: true } | { ok: false; message: string };

export interface StepStartCheck {
  check(action: ActionExecution): Promise<StepStartResult>;
  /**
   * A finished step's outputs against its action's contract (the supply chain's); without it,
   * outputs pass as the action wrote them. Throws when the contract cannot be reached (retry).
   */
  checkOutputs?(
    action: ActionExecution,
    outputs: Readonly<Record<string, unknown>>,
  ): Promise<OutputCheckResult>;
}

/** The minimum: a digest-pinned image. Used when no supply-chain policy is configured. */
export const digestPinningCheck: StepStartCheck = {
  check(action) {
    const match = /@(sha256:[a-f0-9]{64})$/.exec(action.spec.image);
    if (!PINNED_IMAGE_RE.test(action.spec.image) || !match?.[1]) {
      return Promise.resolve({
        ok: false,
        reason: 'ImageNotPinned',
        message: `image ${action.spec.image} is not pinned by digest`,
      });
    }
    return Promise.resolve({
      ok: true,
      verification: {
        verified: false,
        digest: match[1],
        message: 'digest pinned; no signature policy configured',
      },
    });
  },
};
