import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateRemediationTemplate } from '../../../src/alerts/validate-template.ts';
import { IMAGE } from '../../fixtures/workflows.ts';

const template = (spec: Record<string, unknown>) => ({
  apiVersion: 'kubernaut.ai/v1alpha1',
  kind: 'RemediationTemplate',
  metadata: { name: 't' },
  spec: {
    workflowType: 'restart',
    match: ['alertname="KubePodCrashLooping"'],
    steps: [
      {
        name: 'restart',
        actionType: 'k/restart',
        image: IMAGE,
        inputs: { pod: '{{ labels.pod }}' },
      },
    ],
    ...spec,
  },
});

describe('validateRemediationTemplate', () => {
  it('accepts a valid template', () => {
    assert.equal(validateRemediationTemplate(template({})).ok, true);
  });

  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ['a malformed matcher', { match: ['severity=~"("'] }, 'spec.match[0]', /regular expression/],
    [
      'an unknown placeholder source',
      { steps: [{ name: 'a', actionType: 'x', image: IMAGE, inputs: { v: '{{ env.HOME }}' } }] },
      'spec.steps[0].inputs.v',
      /not a placeholder/,
    ],
    [
      'an undeclared parameter',
      {
        steps: [
          { name: 'a', actionType: 'x', image: IMAGE, inputs: { n: '{{ params.replicas }}' } },
        ],
      },
      'spec.steps[0].inputs.n',
      /no declared parameter/,
    ],
    [
      'a bad parameter pattern',
      { parameters: [{ name: 'n', pattern: '[' }] },
      'spec.parameters[0].pattern',
      /regular expression/,
    ],
    [
      'an unpinned image',
      { steps: [{ name: 'a', actionType: 'x', image: 'nginx' }] },
      'spec.steps[0].image',
      /not pinned/,
    ],
    ['a wrong type', { priority: 'high' }, 'spec.priority', /number/],
    [
      'a bad cooldown',
      { guardrails: { cooldown: '1 day' } },
      'spec.guardrails.cooldown',
      /duration/,
    ],
  ];
  for (const [name, spec, path, message] of cases) {
    it(`reports ${name}`, () => {
      const result = validateRemediationTemplate(template(spec));
      assert.equal(result.ok, false);
      const problems = result.ok ? [] : result.problems;
      assert.deepEqual(
        problems.map((problem) => problem.path),
        [path],
      );
      assert.match(problems[0]?.message ?? '', message);
    });
  }
});
