/** The supply-chain StepStartCheck with in-memory fakes: each reason, warn mode, outages. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ActionContract } from '../../../src/api/action-contract.ts';
import type { ActionExecution } from '../../../src/api/action-execution.ts';
import { scaleAttempt } from '../../fixtures/scale-attempt.ts';
import { RegistryError } from '../../../src/supplychain/oci/registry-error.ts';
import {
  createSupplyChainCheck,
  type SupplyChainCheckDeps,
} from '../../../src/supplychain/supply-chain-check.ts';
import type { ImageVerification } from '../../../src/supplychain/verify/image-verification.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const IMAGE = `127.0.0.1:5000/actions/scale@${DIGEST}`;

const contract: ActionContract = {
  apiVersion: 'kubernaut.ai/v1alpha1',
  kind: 'ActionContract',
  metadata: { name: 'scale', version: '1.0.0' },
  spec: { inputs: [], outputs: [], permissions: [] },
};

const action = (image = IMAGE): ActionExecution => scaleAttempt(image, { replicas: 2 });

function verified(overrides: Partial<ImageVerification> = {}): ImageVerification {
  return {
    image: `127.0.0.1:5000/actions/scale@${DIGEST}`,
    digest: DIGEST,
    rule: 'actions',
    mode: 'enforce',
    verified: true,
    signers: [{ scheme: 'cosign-tag', authority: 'ci', identity: `sha256:${'b'.repeat(64)}` }],
    ...overrides,
  };
}

function deps(overrides: Partial<SupplyChainCheckDeps> = {}) {
  const warnings: string[] = [];
  return {
    warnings,
    deps: {
      verifier: { verify: async () => verified() },
      contracts: { load: async () => ({ contract, contractDigest: `sha256:${'c'.repeat(64)}` }) },
      validateInputs: (_: ActionContract, inputs: Record<string, unknown>) => ({
        ok: true as const,
        inputs: { ...inputs, dryRun: false },
      }),
      logger: { warn: (_: object, message: string) => void warnings.push(message) },
      ...overrides,
    } as SupplyChainCheckDeps,
  };
}

describe('supply-chain step-start check', () => {
  it('passes with digest, signer, rule, contract digest and the validated inputs', async () => {
    const result = await createSupplyChainCheck(deps().deps).check(action());
    assert.equal(result.ok, true);
    assert.ok(result.ok);
    assert.deepEqual(result.verification, {
      verified: true,
      digest: DIGEST,
      scheme: 'cosign-tag',
      signer: `sha256:${'b'.repeat(64)}`,
      policyRule: 'actions',
      contractDigest: `sha256:${'c'.repeat(64)}`,
    });
    assert.deepEqual(result.inputs, { replicas: 2, dryRun: false });
    assert.equal(result.contract, contract);
  });

  it('an image by tag only is ImageNotPinned', async () => {
    const result = await createSupplyChainCheck(deps().deps).check(
      action('127.0.0.1:5000/actions/scale:v1'),
    );
    assert.equal(result.ok ? '' : result.reason, 'ImageNotPinned');
  });

  it('a failed signature names the image, the rule and the reason', async () => {
    const { deps: d } = deps({
      verifier: {
        verify: async () =>
          verified({ verified: false, signers: [], reason: 'ci: SIGNATURE_INVALID: bad' }),
      },
    });
    const result = await createSupplyChainCheck(d).check(action());
    assert.ok(!result.ok);
    assert.equal(result.reason, 'SignatureVerificationFailed');
    assert.match(
      result.message,
      /actions\/scale@sha256:a+ \(rule actions\): ci: SIGNATURE_INVALID/,
    );
    assert.equal(result.verification?.verified, false);
  });

  it('warn mode logs and runs', async () => {
    const { deps: d, warnings } = deps({
      verifier: {
        verify: async () =>
          verified({ verified: false, mode: 'warn', signers: [], reason: 'NO_SIGNATURE' }),
      },
    });
    const result = await createSupplyChainCheck(d).check(action());
    assert.equal(result.ok, true);
    assert.equal(result.ok && result.verification.verified, false);
    assert.match(warnings[0] ?? '', /warn mode, running anyway/);
  });

  it('a missing contract is ContractNotFound; bad inputs are InvalidInputs', async () => {
    const missing = deps({
      contracts: {
        load: async () => {
          throw new Error(`${IMAGE}: /action-contract.yaml not found`);
        },
      },
    }).deps;
    const noContract = await createSupplyChainCheck(missing).check(action());
    assert.equal(noContract.ok ? '' : noContract.reason, 'ContractNotFound');
    const invalid = deps({
      validateInputs: () => ({ ok: false, problems: ['replicas: expected integer'] }),
    }).deps;
    const badInputs = await createSupplyChainCheck(invalid).check(action());
    assert.ok(!badInputs.ok);
    assert.equal(badInputs.reason, 'InvalidInputs');
    assert.match(badInputs.message, /replicas: expected integer/);
    assert.equal(badInputs.verification?.contractDigest, `sha256:${'c'.repeat(64)}`);
  });

  it('pre-flight (Tekton): deferred inputs must be declared, and count as present', async () => {
    const withTarget: ActionContract = {
      ...contract,
      spec: {
        ...contract.spec,
        inputs: [
          { name: 'replicas', type: 'integer', required: false },
          { name: 'deployment', type: 'string', required: true, pattern: '[a-z-]+' },
        ],
      },
    };
    const real = deps({
      contracts: { load: async () => ({ contract: withTarget, contractDigest: DIGEST }) },
      validateInputs: undefined,
    }).deps;
    const preflight = (deferred: string): ActionExecution => {
      const base = action();
      return {
        ...base,
        metadata: { ...base.metadata, annotations: { 'kubernaut.ai/deferred-inputs': deferred } },
      };
    };
    const passes = await createSupplyChainCheck(real).check(preflight('deployment'));
    assert.equal(passes.ok, true, JSON.stringify(passes));
    const missing = await createSupplyChainCheck(real).check(action());
    assert.equal(missing.ok ? '' : missing.reason, 'InvalidInputs', 'not deferred: required');
    const undeclared = await createSupplyChainCheck(real).check(preflight('deployment,podName'));
    assert.ok(!undeclared.ok);
    assert.equal(undeclared.reason, 'InvalidInputs');
    assert.match(undeclared.message, /inputs\.podName: is not an input of scale/);
  });

  it('a registry outage throws, so the reconcile is retried, never passed', async () => {
    const outage = new RegistryError('REGISTRY_UNREACHABLE', IMAGE, 'connection refused');
    const down = deps({
      verifier: {
        verify: async () => {
          throw outage;
        },
      },
    }).deps;
    await assert.rejects(createSupplyChainCheck(down).check(action()), outage);
    const contractDown = deps({
      contracts: {
        load: async () => {
          throw outage;
        },
      },
    }).deps;
    await assert.rejects(createSupplyChainCheck(contractDown).check(action()), outage);
  });

  it('checks outputs against the contract; an unreadable contract fails, an outage throws', async () => {
    const withOutputs = {
      ...contract,
      spec: { ...contract.spec, outputs: [{ name: 'replicas', type: 'integer' as const }] },
    };
    const { deps: d } = deps({
      contracts: { load: async () => ({ contract: withOutputs, contractDigest: 'sha256:c' }) },
    });
    delete d.validateInputs;
    const check = createSupplyChainCheck(d);
    assert.deepEqual(await check.checkOutputs?.(action(), { replicas: 3 }), { ok: true });
    const bad = await check.checkOutputs?.(action(), { replicas: 'three', extra: 1 });
    assert.ok(bad && !bad.ok);
    assert.match(bad.message, /outputs\.replicas: must be an integer/);
    assert.match(bad.message, /outputs\.extra: is not an output of the contract of scale@1\.0\.0/);
    const gone = deps({
      contracts: {
        load: async () => {
          throw new Error('manifest unknown');
        },
      },
    }).deps;
    const unreadable = await createSupplyChainCheck(gone).checkOutputs?.(action(), {});
    assert.ok(unreadable && !unreadable.ok);
    assert.match(unreadable.message, /cannot be read: manifest unknown/);
    const outage = new RegistryError('REGISTRY_UNREACHABLE', IMAGE, 'connection refused');
    const down = deps({
      contracts: {
        load: async () => {
          throw outage;
        },
      },
    }).deps;
    await assert.rejects(
      createSupplyChainCheck(down).checkOutputs?.(action(), {}) ?? Promise.resolve(),
      outage,
    );
  });

  it('fetches the contract during verification only for covered images, using it only after', async () => {
    const loads: string[] = [];
    const failingLoad = async (image: string) => {
      loads.push(image);
      throw new RegistryError('MANIFEST_NOT_FOUND', image, 'gone');
    };
    const unsigned = {
      verify: async () => verified({ verified: false, signers: [], reason: 'NO_SIGNATURE' }),
    };
    const covered = deps({
      verifier: { ...unsigned, covers: () => true },
      contracts: { load: failingLoad },
    }).deps;
    const refused = await createSupplyChainCheck(covered).check(action());
    assert.equal(
      refused.ok ? '' : refused.reason,
      'SignatureVerificationFailed',
      'the signature decides first',
    );
    assert.deepEqual(loads, [IMAGE], 'fetched alongside; its failure is no crash');
    loads.length = 0;
    const uncovered = deps({
      verifier: { ...unsigned, covers: () => false },
      contracts: { load: failingLoad },
    }).deps;
    await createSupplyChainCheck(uncovered).check(action());
    assert.deepEqual(loads, [], 'no registry contacted for an image no rule covers');
    let calls = 0;
    const once = deps({
      verifier: { verify: async () => verified(), covers: () => true },
      contracts: { load: async () => (calls++, { contract, contractDigest: 'sha256:c' }) },
    }).deps;
    assert.equal((await createSupplyChainCheck(once).check(action())).ok, true);
    assert.equal(calls, 1);
  });
});
