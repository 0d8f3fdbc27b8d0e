import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { workflowStepSchema, type WorkflowStepInput } from '../../../src/api/workflow-step.ts';
import { validateSteps } from '../../../src/workflow/validate-steps.ts';
import { IMAGE, step } from '../../fixtures/workflows.ts';

const validate = (steps: WorkflowStepInput[]) =>
  validateSteps(steps.map((item) => workflowStepSchema.parse(item)));

interface Case {
  rule: string;
  steps: WorkflowStepInput[];
  expected: { path: string; message: RegExp }[];
}

const many = (count: number) => Array.from({ length: count }, (_, index) => step(`s${index}`));

const cases: Case[] = [
  { rule: 'no steps', steps: [], expected: [{ path: 'spec.steps', message: /at least one step/ }] },
  {
    rule: 'more than 100 steps',
    steps: many(101),
    expected: [{ path: 'spec.steps', message: /has 101 steps; at most 100/ }],
  },
  {
    rule: 'duplicate step names',
    steps: [step('a'), step('b'), step('a')],
    expected: [
      { path: 'spec.steps[2].name', message: /duplicates the name "a" of spec.steps\[0\]/ },
    ],
  },
  {
    rule: 'a name that is not a DNS-1123 label',
    steps: [step('Scale_Up')],
    expected: [{ path: 'spec.steps[0].name', message: /"Scale_Up" is not a DNS-1123 label/ }],
  },
  {
    rule: 'a name longer than 63 characters',
    steps: [step('a'.repeat(64))],
    expected: [{ path: 'spec.steps[0].name', message: /not a DNS-1123 label/ }],
  },
  {
    rule: 'runAfter naming an unknown step',
    steps: [step('a', { runAfter: ['ghost'] })],
    expected: [
      { path: 'spec.steps[0].runAfter[0]', message: /names no step of this workflow: "ghost"/ },
    ],
  },
  {
    rule: 'runAfter naming the step itself',
    steps: [step('a', { runAfter: ['a'] })],
    expected: [{ path: 'spec.steps[0].runAfter[0]', message: /cannot run after itself/ }],
  },
  {
    rule: 'a cycle, named in full',
    steps: [
      step('a', { runAfter: ['c'] }),
      step('b', { runAfter: ['a'] }),
      step('c', { runAfter: ['b'] }),
    ],
    expected: [{ path: 'spec.steps', message: /cycle: a -> c -> b -> a/ }],
  },
  {
    rule: 'an image pinned by tag only',
    steps: [step('a', { image: 'ghcr.io/kubernaut/actions/scale:v1' })],
    expected: [{ path: 'spec.steps[0].image', message: /not pinned by digest/ }],
  },
  {
    rule: 'an image with a short digest',
    steps: [step('a', { image: 'ghcr.io/kubernaut/actions/scale@sha256:abc123' })],
    expected: [{ path: 'spec.steps[0].image', message: /not pinned by digest/ }],
  },
  {
    rule: 'an output reference to a step that is not an ancestor',
    steps: [step('a'), step('b', { inputs: { replicas: '$(steps.a.outputs.replicas)' } })],
    expected: [
      {
        path: 'spec.steps[1].inputs.replicas',
        message: /step "a", which is not guaranteed to finish first/,
      },
    ],
  },
  {
    rule: 'an output reference to an unknown step, deep in the inputs',
    steps: [step('a', { inputs: { patch: { list: ['x', 'id=$(steps.zz.outputs.id)'] } } })],
    expected: [{ path: 'spec.steps[0].inputs.patch.list[1]', message: /names no step/ }],
  },
  {
    rule: 'an output reference to the step itself',
    steps: [step('a', { inputs: { x: '$(steps.a.outputs.y)' } })],
    expected: [{ path: 'spec.steps[0].inputs.x', message: /own outputs/ }],
  },
  {
    rule: 'two workspace steps that may run at the same time',
    steps: [
      step('root'),
      step('a', { usesWorkspace: true, runAfter: ['root'] }),
      step('b', { usesWorkspace: true, runAfter: ['root'] }),
    ],
    expected: [
      { path: 'spec.steps[2].usesWorkspace', message: /may run at the same time as step "a"/ },
    ],
  },
];

describe('validateSteps', () => {
  for (const { rule, steps, expected } of cases) {
    it(`reports ${rule}`, () => {
      const problems = validate(steps);
      assert.equal(problems.length, expected.length, JSON.stringify(problems, null, 2));
      expected.forEach((want, index) => {
        assert.equal(problems[index]?.path, want.path);
        assert.match(problems[index]?.message ?? '', want.message);
      });
    });
  }

  it('reports every problem at once', () => {
    const problems = validate([
      step('Bad', { image: 'x:latest', runAfter: ['nope'] }),
      step('ok', { inputs: { v: '$(steps.other.outputs.k)' } }),
    ]);
    assert.deepEqual(
      problems.map((problem) => problem.path),
      [
        'spec.steps[0].name',
        'spec.steps[0].image',
        'spec.steps[0].runAfter[0]',
        'spec.steps[1].inputs.v',
      ],
    );
  });

  const valid: [string, WorkflowStepInput[]][] = [
    ['a single action', [step('scale')]],
    ['parallel steps then a join', [step('a'), step('b'), step('c', { runAfter: ['a', 'b'] })]],
    [
      'the GitOps chain sharing a workspace',
      [
        step('clone', { usesWorkspace: true }),
        step('modify', { usesWorkspace: true, runAfter: ['clone'] }),
        step('commit', { usesWorkspace: true, runAfter: ['modify'] }),
        step('push', {
          usesWorkspace: true,
          runAfter: ['commit'],
          inputs: { sha: '$(steps.commit.outputs.sha)' },
        }),
      ],
    ],
    [
      'a reference to a transitive ancestor',
      [
        step('a'),
        step('b', { runAfter: ['a'] }),
        step('c', { runAfter: ['b'], inputs: { x: '$(steps.a.outputs.x)' } }),
      ],
    ],
    [
      'an image with a tag and a digest',
      [step('a', { image: `ghcr.io/k/a:v1@sha256:${'0'.repeat(64)}` })],
    ],
    ['exactly 100 steps', many(100)],
  ];
  for (const [name, steps] of valid) {
    it(`accepts ${name}`, () => assert.deepEqual(validate(steps), []));
  }

  it('accepts a 2,000-step chain without deep recursion', () => {
    const chain = Array.from({ length: 2_000 }, (_, index) =>
      step(`s${index}`, { image: IMAGE, runAfter: index ? [`s${index - 1}`] : [] }),
    );
    const problems = validate(chain);
    assert.deepEqual(
      problems.map((problem) => problem.message),
      ['has 2000 steps; at most 100 are allowed'],
    );
  });
});
