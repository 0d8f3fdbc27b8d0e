import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveActionInputs } from '../../../../src/workflow/resolve-action-inputs.ts';

describe('resolveActionInputs', () => {
  const cases: [string, Record<string, string | undefined>, unknown][] = [
    [
      'inputs alone (Jobs backend)',
      { ACTION_INPUTS: '{"a":"$(steps.x.outputs.y)"}' },
      { ok: true, inputs: { a: '$(steps.x.outputs.y)' } },
    ],
    ['no inputs at all', {}, { ok: true, inputs: {} }],
    [
      'references resolved as on V1: whole value keeps its type, text is spliced',
      {
        ACTION_INPUTS:
          '{"replicas":"$(steps.scale.outputs.replicas)","s":"to $(steps.scale.outputs.replicas)"}',
        KUBERNAUT_UPSTREAM_OUTPUTS: '{"scale":{"replicas":10}}',
      },
      { ok: true, inputs: { replicas: 10, s: 'to 10' } },
    ],
    [
      'escaped $( from the PipelineRun parses back to a reference',
      {
        ACTION_INPUTS: '{"a":"\\u0024(steps.s.outputs.k)"}',
        KUBERNAUT_UPSTREAM_OUTPUTS: '{"s":{"k":"v"}}',
      },
      { ok: true, inputs: { a: 'v' } },
    ],
    [
      'a missing output',
      { ACTION_INPUTS: '{"a":"$(steps.s.outputs.nope)"}', KUBERNAUT_UPSTREAM_OUTPUTS: '{"s":{}}' },
      { ok: false, reason: 'OutputNotFound', message: 'no such output: $(steps.s.outputs.nope)' },
    ],
    [
      'inputs that are not an object',
      { ACTION_INPUTS: '[1]' },
      { ok: false, reason: 'InvalidInputs', message: 'ACTION_INPUTS is not a JSON object' },
    ],
  ];
  for (const [name, env, expected] of cases) {
    it(name, () => {
      assert.deepEqual(resolveActionInputs(env), expected);
    });
  }

  it('names the variable whose JSON is broken', () => {
    const result = resolveActionInputs({ ACTION_INPUTS: '{}', KUBERNAUT_UPSTREAM_OUTPUTS: '{' });
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.message, /^KUBERNAUT_UPSTREAM_OUTPUTS is not JSON/);
  });
});
