/**
 * The supply-chain StepStartCheck (invariant 6): resolve → verify → load contract →
 * validate inputs, before any Job exists; and a finished step's outputs against the same
 * contract. Every failure names the image, the rule and the reason. A registry that cannot be
 * reached THROWS: the action queue retries the reconcile with backoff (the step is neither
 * passed nor failed for good; its timeout still bounds it).
 */
import { DEFERRED_INPUTS_ANNOTATION } from '../api/labels.ts';
import type { ActionContract } from '../api/action-contract.ts';
import type { ActionExecution } from '../api/action-execution.ts';
import type {
  OutputCheckResult,
  StepStartCheck,
  StepStartResult,
  Verification,
} from '../backends/jobs/step-start-check.ts';
import type { Logger } from '../observability/logger.ts';
import { formatProblems } from '../workflow/problems.ts';
import { PINNED_IMAGE_RE } from '../workflow/validate-steps.ts';
import { validateInputs } from './inputs/validate-inputs.ts';
import { validateOutputs } from './inputs/validate-outputs.ts';
import { parseImageReference } from './oci/image-reference.ts';
import { isRegistryError } from './oci/registry-error.ts';
import { describeSigner, type ImageVerification } from './verify/image-verification.ts';
import type { ImageName } from './verify/signature-source.ts';

export interface ImageVerifierLike {
  verify(image: ImageName, digest: string): Promise<ImageVerification>;
  /** Whether a policy rule covers the image (its registry is contacted to verify it). */
  covers?(image: ImageName): boolean;
}

/** The contract loader's shape (src/supplychain/contract), narrowed to what the check uses. */
export interface ContractSource {
  load(image: string): Promise<{ contract: ActionContract; contractDigest: string }>;
}

export type InputValidation =
  { ok: true; inputs: Record<string, unknown> } | { ok: false; problems: string[] };

export type ValidateInputs = (
  contract: ActionContract,
  inputs: Record<string, unknown>,
) => InputValidation;

export type ValidateOutputs = (
  contract: ActionContract,
  outputs: Readonly<Record<string, unknown>>,
) => { ok: true } | { ok: false; problems: string[] };

export interface SupplyChainCheckDeps {
  verifier: ImageVerifierLike;
  contracts?: ContractSource;
  /** Default: the contract's rules (src/supplychain/inputs/validate-inputs.ts). */
  validateInputs?: ValidateInputs;
  /** Default: the contract's rules (src/supplychain/inputs/validate-outputs.ts). */
  validateOutputs?: ValidateOutputs;
  logger: Pick<Logger, 'warn'>;
}

/** validateInputs in the check's shape: defaults filled in, each problem as `path: why`. */
export const checkInputsAgainstContract: ValidateInputs = (contract, inputs) => {
  const validated = validateInputs(inputs, contract);
  return validated.ok
    ? { ok: true, inputs: validated.value }
    : { ok: false, problems: validated.problems.map((problem) => formatProblems([problem])) };
};

export const checkOutputsAgainstContract: ValidateOutputs = (contract, outputs) => {
  const validated = validateOutputs(outputs, contract);
  return validated.ok
    ? { ok: true }
    : { ok: false, problems: validated.problems.map((problem) => formatProblems([problem])) };
};

export function createSupplyChainCheck(deps: SupplyChainCheckDeps): StepStartCheck {
  return {
    check: (action) => checkAction(deps, action),
    checkOutputs: (action, outputs) => checkActionOutputs(deps, action, outputs),
  };
}

/**
 * The contract is the one read at the step's start (cached by digest, so normally no I/O);
 * one that can no longer be read fails the step rather than letting unchecked outputs on.
 */
async function checkActionOutputs(
  deps: SupplyChainCheckDeps,
  action: ActionExecution,
  outputs: Readonly<Record<string, unknown>>,
): Promise<OutputCheckResult> {
  if (!deps.contracts) return { ok: true };
  let contract: ActionContract;
  try {
    ({ contract } = await deps.contracts.load(action.spec.image));
  } catch (error) {
    if (isRegistryError(error) && error.transient) throw error;
    return {
      ok: false,
      message: `image ${action.spec.image}: the contract to check the outputs against cannot be read: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  const validated = (deps.validateOutputs ?? checkOutputsAgainstContract)(contract, outputs);
  return validated.ok
    ? { ok: true }
    : {
        ok: false,
        message: `image ${action.spec.image}: outputs do not match contract ${contract.metadata.name}: ${validated.problems.join('; ')}`,
      };
}

async function checkAction(
  deps: SupplyChainCheckDeps,
  action: ActionExecution,
): Promise<StepStartResult> {
  const image = action.spec.image;
  if (!PINNED_IMAGE_RE.test(image)) {
    return {
      ok: false,
      reason: 'ImageNotPinned',
      message: `image ${image} is not pinned by digest`,
    };
  }
  const ref = parseImageReference(image);
  const digest = ref.digest ?? '';
  // The contract is fetched while the signatures are checked (both read content the digest
  // pins: round trips overlap instead of adding up), only for an image a rule covers, so that
  // no registry is contacted that would not be anyway; it is used once verification passed.
  const prefetched =
    deps.contracts && deps.verifier.covers?.(ref) ? settle(deps.contracts.load(image)) : undefined;
  const result = await deps.verifier.verify(ref, digest);
  const verification = toVerification(result);
  const rule = result.rule ? `rule ${result.rule}` : 'no rule';
  if (!result.verified) {
    const message = `image ${result.image} (${rule}): ${result.reason ?? 'not verified'}`;
    if (result.mode === 'enforce') {
      return { ok: false, reason: 'SignatureVerificationFailed', message, verification };
    }
    deps.logger.warn(
      { image: result.image, rule: result.rule },
      `warn mode, running anyway: ${message}`,
    );
  }
  if (!deps.contracts) return { ok: true, verification };
  let loaded;
  try {
    loaded = prefetched ? unwrap(await prefetched) : await deps.contracts.load(image);
  } catch (error) {
    if (isRegistryError(error) && error.transient) throw error;
    return {
      ok: false,
      reason: 'ContractNotFound',
      message: `image ${result.image} (${rule}): ${error instanceof Error ? error.message : String(error)}`,
      verification,
    };
  }
  const withContract = { ...verification, contractDigest: loaded.contractDigest };
  const inputs = action.spec.inputs;
  const deferred = deferredInputsOf(action);
  const undeclared = deferred.filter(
    (name) => !loaded.contract.spec.inputs.some((input) => input.name === name),
  );
  const validated =
    undeclared.length > 0
      ? {
          ok: false as const,
          problems: undeclared.map(
            (name) => `inputs.${name}: is not an input of ${loaded.contract.metadata.name}`,
          ),
        }
      : (deps.validateInputs ?? checkInputsAgainstContract)(
          withDeferredInputs(loaded.contract, deferred),
          inputs,
        );
  if (!validated.ok) {
    return {
      ok: false,
      reason: 'InvalidInputs',
      message: `image ${result.image} (${rule}): inputs do not match contract ${loaded.contract.metadata.name}: ${validated.problems.join('; ')}`,
      verification: withContract,
    };
  }
  return {
    ok: true,
    verification: withContract,
    contract: loaded.contract,
    inputs: validated.inputs,
  };
}

function toVerification(result: ImageVerification): Verification {
  const signer = describeSigner(result);
  return {
    verified: result.verified,
    digest: result.digest,
    ...(result.signers[0] ? { scheme: result.signers[0].scheme } : {}),
    ...(signer ? { signer } : {}),
    ...(result.rule ? { policyRule: result.rule } : {}),
    ...(result.verified ? {} : { message: `${result.mode}: ${result.reason ?? 'not verified'}` }),
  };
}

type Settled<T> = { value: T } | { error: unknown };

/** A promise that never rejects, so that a result nobody awaits (a failed check) is no crash. */
function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

function unwrap<T>(settled: Settled<T>): T {
  if ('error' in settled) throw settled.error;
  return settled.value;
}

function deferredInputsOf(action: ActionExecution): string[] {
  const listed = action.metadata.annotations?.[DEFERRED_INPUTS_ANNOTATION] ?? '';
  return listed
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/** The contract as pre-flight sees it: deferred inputs neither required nor defaulted. */
function withDeferredInputs(contract: ActionContract, deferred: readonly string[]): ActionContract {
  if (deferred.length === 0) return contract;
  return {
    ...contract,
    spec: {
      ...contract.spec,
      inputs: contract.spec.inputs.map((input) =>
        deferred.includes(input.name)
          ? { name: input.name, type: input.type, required: false }
          : input,
      ),
    },
  };
}
