/**
 * The V1 engine with the supply-chain check (verifier and contract loader faked, the real
 * input and output validation): the Job gets the validated inputs with the contract's defaults,
 * and a step whose outputs break the contract fails with InvalidOutputs naming the output.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ActionContract } from '../../../src/api/action-contract.ts';
import type { WorkflowExecution } from '../../../src/api/workflow-execution.ts';
import { createSupplyChainCheck } from '../../../src/supplychain/supply-chain-check.ts';
import { scriptImage } from '../cluster/start-local-cluster.ts';
import { startEngineHarness, type EngineHarness } from './engine-harness.ts';

const contract: ActionContract = {
  apiVersion: 'kubernaut.ai/v1alpha1',
  kind: 'ActionContract',
  metadata: { name: 'test/scale', version: '1.0.0' },
  spec: {
    inputs: [
      { name: 'replicas', type: 'integer', required: true },
      { name: 'dryRun', type: 'boolean', required: false, default: false },
    ],
    outputs: [
      { name: 'replicas', type: 'integer' },
      { name: 'dryRun', type: 'boolean' },
    ],
    permissions: [],
  },
};

/** Echoes its inputs as outputs; 13 replicas give a string, 14 an undeclared output. */
const EMIT = `const i = JSON.parse(process.env.ACTION_INPUTS);
console.log(JSON.stringify(i.replicas === 13 ? { replicas: 'thirteen' } : i.replicas === 14 ? { ...i, token: 'x' } : i));`;

describe('V1 engine: inputs and outputs against the action contract', () => {
  let harness: EngineHarness;
  let image: string;
  before(async () => {
    const check = createSupplyChainCheck({
      verifier: {
        verify: (name, digest) =>
          Promise.resolve({
            image: `${name.registry}/${name.repository}@${digest}`,
            digest,
            rule: 'test',
            mode: 'enforce',
            verified: true,
            signers: [{ scheme: 'sigstore-bundle', authority: 'key', identity: 'sha256:abc' }],
          }),
      },
      contracts: {
        load: () => Promise.resolve({ contract, contractDigest: `sha256:${'c'.repeat(64)}` }),
      },
      logger: { warn: () => undefined },
    });
    harness = await startEngineHarness({ check });
    image = scriptImage(harness.cluster.catalog, 'emit', EMIT);
  });
  after(async () => {
    await harness.close();
  });

  const run = async (name: string, inputs: Record<string, unknown>) => {
    await harness.submit(name, [{ name: 'scale', actionType: 'test/scale', image, inputs }]);
    return harness.finished(name);
  };
  const jobInputs = async (finished: WorkflowExecution) => {
    const jobs = await harness.batch.listNamespacedJob({
      namespace: 'default',
      labelSelector: `kubernaut.ai/run-uid=${finished.metadata.uid ?? ''}`,
    });
    const env = jobs.items[0]?.spec?.template.spec?.containers[0]?.env ?? [];
    return JSON.parse(
      env.find((entry) => entry.name === 'ACTION_INPUTS')?.value ?? '{}',
    ) as unknown;
  };

  it('the Job gets the validated inputs, converted and with defaults filled in', async () => {
    const finished = await run('valid', { replicas: '3' });
    assert.equal(finished.status?.phase, 'Succeeded', JSON.stringify(finished.status));
    assert.deepEqual(await jobInputs(finished), { replicas: 3, dryRun: false });
    assert.deepEqual(finished.status?.steps[0]?.outputs, { replicas: 3, dryRun: false });
  });

  it('an undeclared input fails the step with InvalidInputs and creates no Job', async () => {
    const finished = await run('undeclared', { replicas: 3, force: true });
    assert.equal(finished.status?.phase, 'Failed');
    assert.equal(finished.status?.steps[0]?.reason, 'InvalidInputs');
    assert.match(finished.status?.steps[0]?.message ?? '', /inputs\.force: is not an input/);
    const jobs = await harness.batch.listNamespacedJob({
      namespace: 'default',
      labelSelector: `kubernaut.ai/run-uid=${finished.metadata.uid ?? ''}`,
    });
    assert.equal(jobs.items.length, 0);
  });

  it('outputs of the wrong type, or undeclared, fail the step with InvalidOutputs', async () => {
    const wrongType = await run('wrong-type', { replicas: 13 });
    assert.equal(wrongType.status?.phase, 'Failed');
    assert.equal(wrongType.status?.steps[0]?.reason, 'InvalidOutputs');
    assert.match(
      wrongType.status?.steps[0]?.message ?? '',
      /outputs\.replicas: must be an integer, not the string "thirteen"/,
    );
    assert.equal(wrongType.status?.steps[0]?.outputs, undefined, 'no unchecked outputs passed on');
    const undeclared = await run('undeclared-output', { replicas: 14 });
    assert.equal(undeclared.status?.steps[0]?.reason, 'InvalidOutputs');
    assert.match(undeclared.status?.steps[0]?.message ?? '', /outputs\.token: is not an output/);
  });
});
