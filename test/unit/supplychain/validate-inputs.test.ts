import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionContractSchema, type ActionContract } from '../../../src/api/action-contract.ts';
import { validateInputs } from '../../../src/supplychain/inputs/validate-inputs.ts';
import { validateOutputs } from '../../../src/supplychain/inputs/validate-outputs.ts';

const contract: ActionContract = actionContractSchema.parse({
  apiVersion: 'kubernaut.ai/v1alpha1',
  kind: 'ActionContract',
  metadata: { name: 'scale', version: '1.0.0' },
  spec: {
    inputs: [
      { name: 'namespace', type: 'string', required: true, pattern: '[a-z0-9-]{1,63}' },
      { name: 'replicas', type: 'integer', required: true },
      { name: 'ratio', type: 'number', default: 0.5 },
      { name: 'dryRun', type: 'boolean', default: false },
      { name: 'strategy', type: 'string', enum: ['up', 'down'], default: 'up' },
      { name: 'labels', type: 'object' },
      { name: 'targets', type: 'array' },
    ],
    outputs: [
      { name: 'replicas', type: 'integer' },
      { name: 'message', type: 'string' },
    ],
  },
});

interface Case {
  rule: string;
  inputs: Record<string, unknown> | undefined;
  value?: Record<string, unknown>;
  problems?: Array<{ path: string; message: RegExp }>;
}

const valid = { namespace: 'default', replicas: 3 };
const cases: Case[] = [
  {
    rule: 'defaults filled in, absent optional inputs left out',
    inputs: valid,
    value: { ...valid, ratio: 0.5, dryRun: false, strategy: 'up' },
  },
  {
    rule: 'string spellings of integers, numbers and booleans converted (alert labels are strings)',
    inputs: { namespace: 'default', replicas: '10', ratio: '1.5e0', dryRun: 'true' },
    value: { namespace: 'default', replicas: 10, ratio: 1.5, dryRun: true, strategy: 'up' },
  },
  {
    rule: 'objects and arrays pass as they are; null means absent',
    inputs: { ...valid, labels: { a: '1' }, targets: ['x'], strategy: null },
    value: {
      ...valid,
      ratio: 0.5,
      dryRun: false,
      strategy: 'up',
      labels: { a: '1' },
      targets: ['x'],
    },
  },
  {
    rule: 'a missing required input',
    inputs: { namespace: 'default' },
    problems: [
      {
        path: 'inputs.replicas',
        message: /is required by the contract of scale@1.0.0 and missing/,
      },
    ],
  },
  {
    rule: 'no inputs at all: every required input named',
    inputs: undefined,
    problems: [
      { path: 'inputs.namespace', message: /required/ },
      { path: 'inputs.replicas', message: /required/ },
    ],
  },
  {
    rule: 'an undeclared input (the allowlist)',
    inputs: { ...valid, command: 'rm -rf /' },
    problems: [
      {
        path: 'inputs.command',
        message:
          /is not an input of the contract of scale@1.0.0 \(it declares: namespace, replicas, ratio/,
      },
    ],
  },
  {
    rule: 'wrong types, each named',
    inputs: {
      namespace: 7,
      replicas: 'ten',
      ratio: 'NaN',
      dryRun: 'yes',
      labels: ['a'],
      targets: { a: 1 },
    },
    problems: [
      { path: 'inputs.namespace', message: /must be a string, not the integer 7/ },
      { path: 'inputs.replicas', message: /must be an integer, not the string "ten"/ },
      { path: 'inputs.ratio', message: /must be a number, not the string "NaN"/ },
      { path: 'inputs.dryRun', message: /must be a boolean, not the string "yes"/ },
      { path: 'inputs.labels', message: /must be an object, not an array/ },
      { path: 'inputs.targets', message: /must be an array, not an object/ },
    ],
  },
  {
    rule: 'a fraction or an unsafe integer is not an integer',
    inputs: { namespace: 'default', replicas: 2.5 },
    problems: [{ path: 'inputs.replicas', message: /must be an integer, not the number 2.5/ }],
  },
  {
    rule: 'an integer spelled with a fraction or leading zero is not converted',
    inputs: { namespace: 'default', replicas: '03' },
    problems: [{ path: 'inputs.replicas', message: /must be an integer, not the string "03"/ }],
  },
  {
    rule: 'a value outside the enum',
    inputs: { ...valid, strategy: 'sideways' },
    problems: [
      { path: 'inputs.strategy', message: /the string "sideways" is not one of "up", "down"/ },
    ],
  },
  {
    rule: 'a pattern must match the whole value, not a part',
    inputs: { namespace: 'default; rm -rf /', replicas: 1 },
    problems: [
      { path: 'inputs.namespace', message: /does not match the pattern \[a-z0-9-\]\{1,63\}/ },
    ],
  },
];

describe('validateInputs', () => {
  for (const testCase of cases) {
    it(testCase.rule, () => {
      const result = validateInputs(testCase.inputs, contract);
      if (testCase.value) {
        assert.deepEqual(result, { ok: true, value: testCase.value });
        return;
      }
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.deepEqual(
        result.problems.map((problem) => problem.path),
        testCase.problems?.map((problem) => problem.path),
      );
      result.problems.forEach((problem, index) =>
        assert.match(problem.message, testCase.problems?.[index]?.message ?? /^$/),
      );
    });
  }

  it('reports an invalid default of the contract itself', () => {
    const broken = structuredClone(contract);
    broken.spec.inputs[2] = { name: 'ratio', type: 'number', required: false, default: 'half' };
    const result = validateInputs(valid, broken, 'spec.steps[0].inputs');
    assert.deepEqual(result.ok ? [] : result.problems.map((problem) => problem.path), [
      'spec.steps[0].inputs.ratio',
    ]);
    assert.match(
      result.ok ? '' : (result.problems[0]?.message ?? ''),
      /the contract's default is invalid/,
    );
  });
});

describe('validateOutputs', () => {
  it('accepts declared outputs of their types, absent ones too', () => {
    assert.deepEqual(validateOutputs({ replicas: 3 }, contract), {
      ok: true,
      value: { replicas: 3 },
    });
    assert.deepEqual(validateOutputs(undefined, contract), { ok: true, value: {} });
  });
  it('refuses undeclared outputs and wrong types, without converting', () => {
    const result = validateOutputs({ replicas: '3', message: 'ok', secret: 'x' }, contract);
    assert.equal(result.ok, false);
    assert.deepEqual(result.ok ? [] : result.problems, [
      { path: 'outputs.replicas', message: 'must be an integer, not the string "3"' },
      {
        path: 'outputs.secret',
        message: 'is not an output of the contract of scale@1.0.0 (it declares: replicas, message)',
      },
    ]);
  });
});
