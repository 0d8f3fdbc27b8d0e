import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionContractSchema } from '../../../src/api/action-contract.ts';
import { validateInputs } from '../../../src/actions/runtime/validate-inputs.ts';
import { validateOutputs } from '../../../src/actions/runtime/validate-outputs.ts';

const contract = actionContractSchema.parse({
  apiVersion: 'kubernaut.ai/v1alpha1',
  kind: 'ActionContract',
  metadata: { name: 'test/all_types', version: '1.0.0' },
  spec: {
    inputs: [
      { name: 'name', type: 'string', required: true, pattern: '[a-z]+' },
      { name: 'count', type: 'integer', default: 3 },
      { name: 'factor', type: 'number' },
      { name: 'dryRun', type: 'boolean', default: false },
      { name: 'labels', type: 'object' },
      { name: 'items', type: 'array' },
      { name: 'mode', type: 'string', enum: ['fast', 'safe'], default: 'safe' },
    ],
    outputs: [
      { name: 'done', type: 'boolean' },
      { name: 'ratio', type: 'number' },
    ],
  },
});

describe('validateInputs', () => {
  it('applies defaults and keeps the given values', () => {
    assert.deepEqual(validateInputs(contract, { name: 'web', factor: 2 }), {
      ok: true,
      inputs: { name: 'web', count: 3, factor: 2, dryRun: false, mode: 'safe' },
    });
  });

  const cases: [string, unknown, string[]][] = [
    ['not an object', [1], ['inputs: must be a JSON object']],
    ['null', null, ['inputs: must be a JSON object']],
    ['a missing required input', {}, ['inputs.name: required']],
    ['null for a required input', { name: null }, ['inputs.name: required']],
    [
      'a pattern matched only in part',
      { name: 'web1' },
      ['inputs.name: "web1" does not match the pattern [a-z]+'],
    ],
    [
      'a fraction for an integer',
      { name: 'a', count: 1.5 },
      ['inputs.count: must be an integer, got number 1.5'],
    ],
    [
      'a string for a number',
      { name: 'a', factor: '2' },
      ['inputs.factor: must be a number, got string "2"'],
    ],
    [
      'an array for an object',
      { name: 'a', labels: [] },
      ['inputs.labels: must be an object, got array'],
    ],
    [
      'an object for an array',
      { name: 'a', items: {} },
      ['inputs.items: must be an array, got object'],
    ],
    [
      'a string for a boolean',
      { name: 'a', dryRun: 'true' },
      ['inputs.dryRun: must be a boolean, got string "true"'],
    ],
    [
      'a value off the enum',
      { name: 'a', mode: 'yolo' },
      ['inputs.mode: must be one of "fast", "safe", got "yolo"'],
    ],
    [
      'an unknown input, with the others',
      { name: 'a', replicas: 3, count: 'x' },
      [
        'inputs.replicas: unknown input (the contract declares: name, count, factor, dryRun, labels, items, mode)',
        'inputs.count: must be an integer, got string "x"',
      ],
    ],
  ];
  for (const [what, raw, problems] of cases) {
    it(`rejects ${what}`, () => {
      assert.deepEqual(validateInputs(contract, raw), { ok: false, problems });
    });
  }

  it('accepts an integer for a number', () => {
    assert.equal(validateInputs(contract, { name: 'a', factor: 2 }).ok, true);
  });
});

describe('validateOutputs', () => {
  it('accepts declared outputs of their type, an integer as a number', () => {
    assert.deepEqual(validateOutputs(contract, { done: true, ratio: 1 }), []);
  });
  it('names undeclared outputs and wrong types', () => {
    assert.deepEqual(validateOutputs(contract, { done: 'yes', extra: 1 }), [
      'outputs.done: declared boolean, got string',
      'outputs.extra: not declared by the contract',
    ]);
  });
});
