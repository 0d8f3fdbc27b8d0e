import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { workflowExecutionSchema } from '../../../src/api/workflow-execution.ts';
import { decideBackend, percentileOf } from '../../../src/routing/decide-backend.ts';
import { parseRoutingFlags, type RoutingFlags } from '../../../src/routing/routing-flags.ts';

const IMAGE = `ghcr.io/k/a@sha256:${'a'.repeat(64)}`;
const step = (name: string, runAfter: string[] = []) => ({
  name,
  actionType: 't',
  image: IMAGE,
  runAfter,
});
const runOf = (
  options: {
    type?: string;
    steps?: ReturnType<typeof step>[];
    namespace?: string;
    template?: string;
    uid?: string;
    annotation?: string;
  } = {},
) =>
  workflowExecutionSchema.parse({
    apiVersion: 'kubernaut.ai/v1alpha1',
    kind: 'WorkflowExecution',
    metadata: {
      name: 'r',
      namespace: options.namespace ?? 'default',
      uid: options.uid ?? 'uid-1',
      ...(options.annotation
        ? { annotations: { 'kubernaut.ai/backend': options.annotation } }
        : {}),
    },
    spec: {
      workflowType: options.type ?? 'oom',
      steps: options.steps ?? [step('a')],
      ...(options.template ? { templateRef: { name: options.template } } : {}),
    },
  });
const flags = (rules: RoutingFlags['rules'], extra: Partial<RoutingFlags> = {}): RoutingFlags => ({
  mode: 'rules',
  defaultBackend: 'jobs',
  rules,
  ...extra,
});
const rule = (
  name: string,
  match: RoutingFlags['rules'][number]['match'],
  backend: 'jobs' | 'tekton' = 'tekton',
) => ({ name, backend, match });
const chain = [step('a'), step('b', ['a']), step('c', ['b']), step('d', ['c'])];
// A uid in the lowest decile and one above it, found once from the stable hash.
const uids = Array.from({ length: 200 }, (_, index) => `uid-${index}`);
const low = uids.find((uid) => percentileOf(uid) < 10) ?? '';
const high = uids.find((uid) => percentileOf(uid) >= 10) ?? '';

describe('decideBackend', () => {
  const table: [string, Parameters<typeof runOf>[0], RoutingFlags, string, string][] = [
    [
      'mode jobs sends everything to Jobs',
      {},
      flags([], { mode: 'jobs' }),
      'jobs',
      'routing mode jobs',
    ],
    [
      'mode tekton sends everything to Tekton',
      {},
      flags([], { mode: 'tekton' }),
      'tekton',
      'routing mode tekton',
    ],
    [
      'the annotation overrides the mode',
      { annotation: 'tekton' },
      flags([], { mode: 'jobs' }),
      'tekton',
      'annotation kubernaut.ai/backend=tekton',
    ],
    [
      'the annotation overrides a rule',
      { annotation: 'jobs' },
      flags([rule('all', {})]),
      'jobs',
      'annotation kubernaut.ai/backend=jobs',
    ],
    [
      'an invalid annotation is ignored, and said so',
      { annotation: 'argo' },
      flags([], { mode: 'tekton' }),
      'tekton',
      'routing mode tekton (annotation kubernaut.ai/backend="argo" ignored: not jobs or tekton)',
    ],
    [
      'workflowType (GitOps first)',
      { type: 'gitops-pr-creation' },
      flags([rule('gitops', { workflowTypes: ['gitops-pr-creation'] })]),
      'tekton',
      'routing rule "gitops"',
    ],
    [
      'workflowType not matching falls to the default',
      { type: 'oom' },
      flags([rule('gitops', { workflowTypes: ['gitops-pr-creation'] })]),
      'jobs',
      'no routing rule matched: default backend jobs',
    ],
    [
      'minSteps (more than 3 steps)',
      { steps: chain },
      flags([rule('big', { minSteps: 4 })]),
      'tekton',
      'routing rule "big"',
    ],
    [
      'minSteps not reached',
      { steps: chain.slice(0, 3).map((s) => ({ ...s, runAfter: [] })) },
      flags([rule('big', { minSteps: 4 })]),
      'jobs',
      'no routing rule matched: default backend jobs',
    ],
    [
      'maxSteps',
      { steps: chain },
      flags([rule('small', { maxSteps: 1 })]),
      'jobs',
      'no routing rule matched: default backend jobs',
    ],
    [
      'hasDependencies true',
      { steps: chain },
      flags([rule('deps', { hasDependencies: true })]),
      'tekton',
      'routing rule "deps"',
    ],
    [
      'hasDependencies false',
      { steps: chain },
      flags([rule('flat', { hasDependencies: false })]),
      'jobs',
      'no routing rule matched: default backend jobs',
    ],
    [
      'namespace',
      { namespace: 'payments' },
      flags([rule('ns', { namespaces: ['payments'] })]),
      'tekton',
      'routing rule "ns"',
    ],
    [
      'template',
      { template: 'oom-fix' },
      flags([rule('tpl', { templates: ['oom-fix'] })]),
      'tekton',
      'routing rule "tpl"',
    ],
    [
      'a run without template never matches a template rule',
      {},
      flags([rule('tpl', { templates: ['oom-fix'] })]),
      'jobs',
      'no routing rule matched: default backend jobs',
    ],
    [
      'percentage: a uid in the share',
      { uid: low },
      flags([rule('canary', { percentage: 10 })]),
      'tekton',
      'routing rule "canary"',
    ],
    [
      'percentage: a uid outside the share',
      { uid: high },
      flags([rule('canary', { percentage: 10 })]),
      'jobs',
      'no routing rule matched: default backend jobs',
    ],
    [
      'all conditions of a rule must hold',
      { type: 'gitops', namespace: 'dev' },
      flags([rule('both', { workflowTypes: ['gitops'], namespaces: ['prod'] })]),
      'jobs',
      'no routing rule matched: default backend jobs',
    ],
    [
      'the first matching rule wins',
      { type: 'gitops' },
      flags([rule('pin-jobs', { workflowTypes: ['gitops'] }, 'jobs'), rule('all', {})]),
      'jobs',
      'routing rule "pin-jobs"',
    ],
    [
      'the default backend when nothing matches',
      {},
      flags([], { defaultBackend: 'tekton' }),
      'tekton',
      'no routing rule matched: default backend tekton',
    ],
  ];
  for (const [name, run, given, backend, reason] of table) {
    it(name, () => {
      assert.deepEqual(decideBackend(runOf(run), given, true), { name: backend, reason });
    });
  }

  it('falls back to Jobs, saying why, when Tekton is not installed', () => {
    const decision = decideBackend(runOf(), flags([], { mode: 'tekton' }), false);
    assert.equal(decision.name, 'jobs');
    assert.equal(decision.fellBack, true);
    assert.match(decision.reason, /^routing mode tekton chose tekton, but Tekton is not installed/);
  });

  it('puts a run in the same percentile bucket every time, spread over 0..100', () => {
    assert.equal(percentileOf('same-uid'), percentileOf('same-uid'));
    const share = uids.filter((uid) => percentileOf(uid) < 50).length / uids.length;
    assert.ok(share > 0.35 && share < 0.65, String(share));
  });
});

describe('parseRoutingFlags', () => {
  it('reads mode, default backend and YAML rules from the ConfigMap data', () => {
    const parsed = parseRoutingFlags({
      mode: 'rules',
      defaultBackend: 'jobs',
      rules:
        '- name: gitops\n  backend: tekton\n  match:\n    workflowTypes: [gitops-pr-creation]\n    percentage: 25\n',
    });
    assert.deepEqual(parsed, {
      ok: true,
      flags: {
        mode: 'rules',
        defaultBackend: 'jobs',
        rules: [
          {
            name: 'gitops',
            backend: 'tekton',
            match: { workflowTypes: ['gitops-pr-creation'], percentage: 25 },
          },
        ],
      },
    });
  });

  it('defaults to every run on Jobs when there is no data', () => {
    assert.deepEqual(parseRoutingFlags(undefined), {
      ok: true,
      flags: { mode: 'jobs', defaultBackend: 'jobs', rules: [] },
    });
  });

  const invalid: [string, Record<string, string>, RegExp][] = [
    ['an unknown mode', { mode: 'argo' }, /^data\.mode: /],
    [
      'a rule with an unknown backend',
      { rules: '- name: a\n  backend: argo\n' },
      /^data\.rules\[0\]\.backend: /,
    ],
    [
      'a percentage above 100',
      { rules: '- name: a\n  backend: tekton\n  match: { percentage: 150 }\n' },
      /^data\.rules\[0\]\.match\.percentage: /,
    ],
    [
      'an unknown match field',
      { rules: '- name: a\n  backend: tekton\n  match: { workflowType: x }\n' },
      /^data\.rules\[0\]\.match: .*workflowType/,
    ],
    ['rules that are not YAML', { rules: '- [' }, /^data\.rules: not YAML/],
    [
      'repeated rule names',
      { rules: '- {name: a, backend: jobs}\n- {name: a, backend: tekton}\n' },
      /^data\.rules: rule names must be unique/,
    ],
  ];
  for (const [name, data, expected] of invalid) {
    it(`names the field of ${name}`, () => {
      const parsed = parseRoutingFlags(data);
      assert.equal(parsed.ok, false);
      assert.match(parsed.ok ? '' : (parsed.problems[0] ?? ''), expected);
    });
  }
});
