import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  remediationTemplateSchema,
  type RemediationTemplate,
} from '../../../src/api/remediation-template.ts';
import {
  buildAdHocRun,
  buildTemplateRun,
  REQUEST_DIGEST_ANNOTATION,
} from '../../../src/ondemand/build-on-demand-run.ts';
import { decideApproval } from '../../../src/ondemand/decide-approval.ts';
import { onDemandRunName } from '../../../src/ondemand/on-demand-run-name.ts';
import { OnDemandError } from '../../../src/ondemand/on-demand-error.ts';
import { resolveParameters } from '../../../src/ondemand/resolve-parameters.ts';
import { makeRun, step } from '../../fixtures/workflows.ts';

const declared = remediationTemplateSchema.shape.spec.shape.parameters.parse([
  { name: 'replicas', required: true, pattern: '[0-9]+' },
  { name: 'reason', default: 'on demand' },
  { name: 'note' },
]);

describe('resolveParameters', () => {
  const cases: {
    name: string;
    given: Record<string, string>;
    ok?: Record<string, string>;
    problems?: string[];
  }[] = [
    {
      name: 'fills defaults, leaves optional ones without a default out',
      given: { replicas: '3' },
      ok: { replicas: '3', reason: 'on demand' },
    },
    {
      name: 'a given value beats the default',
      given: { replicas: '3', reason: 'x' },
      ok: { replicas: '3', reason: 'x' },
    },
    { name: 'required missing', given: {}, problems: ['parameters.replicas: is required'] },
    {
      name: 'the pattern must match the whole value',
      given: { replicas: '3; rm -rf /' },
      problems: ['parameters.replicas: must match [0-9]+'],
    },
    {
      name: 'unknown parameters are rejected, with every other problem',
      given: { replica: '3' },
      problems: [
        'parameters.replica: the template declares no such parameter (declared: replicas, reason, note)',
        'parameters.replicas: is required',
      ],
    },
  ];
  for (const { name, given, ok, problems } of cases) {
    it(name, () => {
      const result = resolveParameters(declared, given);
      if (ok) assert.deepEqual(result, { ok: true, value: ok });
      else {
        assert.equal(result.ok, false);
        if (!result.ok) {
          assert.deepEqual(
            result.problems.map((p) => `${p.path}: ${p.message}`),
            problems,
          );
        }
      }
    });
  }

  it('names a broken pattern in the template', () => {
    const broken = remediationTemplateSchema.shape.spec.shape.parameters.parse([
      { name: 'x', pattern: '(' },
    ]);
    const result = resolveParameters(broken, { x: 'a' });
    assert.equal(result.ok, false);
    assert.match(JSON.stringify(result), /pattern \( is invalid/);
  });
});

describe('onDemandRunName', () => {
  it('is the same for the same caller and key, different otherwise', () => {
    const a = onDemandRunName('restart-pod', 'bot', 'key-1');
    assert.equal(a, onDemandRunName('restart-pod', 'bot', 'key-1'));
    assert.notEqual(a, onDemandRunName('restart-pod', 'other', 'key-1'));
    assert.notEqual(a, onDemandRunName('restart-pod', 'bot', 'key-2'));
    assert.notEqual(onDemandRunName('x', 'bot', undefined), onDemandRunName('x', 'bot', undefined));
    assert.match(a, /^restart-pod-[0-9a-f]{12}$/);
  });

  it('stays a DNS label', () => {
    const name = onDemandRunName(`A.Very_Long.${'x'.repeat(80)}`, 'bot', 'k');
    assert.ok(name.length <= 63);
    assert.match(name, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });
});

const template: RemediationTemplate = remediationTemplateSchema.parse({
  apiVersion: 'kubernaut.ai/v1alpha1',
  kind: 'RemediationTemplate',
  metadata: { name: 'scale', namespace: 'ops', uid: 'u-1' },
  spec: {
    workflowType: 'scale',
    target: 'ops/Deployment/{{ params.deployment }}',
    parameters: [
      { name: 'deployment', required: true },
      { name: 'replicas', default: '2' },
    ],
    steps: [
      step('scale', {
        inputs: { deployment: '{{ params.deployment }}', replicas: '{{ params.replicas }}' },
      }),
    ],
    guardrails: { approval: { required: true } },
  },
});
const identity = {
  name: 'scale-abc',
  namespace: 'ops',
  caller: { name: 'bot', via: 'api' as const },
  requestDigest: 'd1',
};

describe('buildTemplateRun', () => {
  it('renders params into inputs and target, records caller, template and approval', () => {
    const result = buildTemplateRun(template, { deployment: 'web', replicas: '2' }, identity);
    assert.ok(result.ok);
    const run = result.value;
    assert.deepEqual(run.spec.steps[0]?.inputs, { deployment: 'web', replicas: '2' });
    assert.equal(run.spec.target, 'ops/Deployment/web');
    assert.deepEqual(run.spec.source, { type: 'onDemand', caller: { name: 'bot', via: 'api' } });
    assert.deepEqual(run.spec.templateRef, { name: 'scale', namespace: 'ops', uid: 'u-1' });
    assert.deepEqual(run.spec.approval, { required: true });
    assert.equal(run.metadata.labels?.['kubernaut.ai/template'], 'scale');
    assert.equal(run.metadata.annotations?.[REQUEST_DIGEST_ANNOTATION], 'd1');
  });

  it('names what a label placeholder would need, never renders it empty', () => {
    const withLabel = remediationTemplateSchema.parse({
      ...template,
      spec: { ...template.spec, steps: [step('a', { inputs: { pod: '{{ labels.pod }}' } })] },
    });
    const result = buildTemplateRun(withLabel, { deployment: 'web' }, identity);
    assert.equal(result.ok, false);
    assert.match(JSON.stringify(result), /template.spec.steps\[0\].inputs.*labels.pod/);
  });

  it('the request can override target and approval', () => {
    const result = buildTemplateRun(
      template,
      { deployment: 'web', replicas: '1' },
      {
        ...identity,
        target: 'ops/StatefulSet/db',
        requireApproval: false,
      },
    );
    assert.ok(result.ok);
    assert.equal(result.value.spec.target, 'ops/StatefulSet/db');
    assert.equal(result.value.spec.approval, undefined);
  });
});

describe('buildAdHocRun', () => {
  it('keeps the spec and records the caller', () => {
    const run = buildAdHocRun(
      { workflowType: 'fix', steps: [step('a')] as never },
      { ...identity, requireApproval: true },
    );
    assert.equal(run.spec.workflowType, 'fix');
    assert.deepEqual(run.spec.approval, { required: true });
    assert.equal(run.spec.source?.type, 'onDemand');
  });
});

describe('decideApproval', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const waiting = {
    ...makeRun([step('a')], { approval: { required: true } }),
    spec: {
      ...makeRun([step('a')], { approval: { required: true } }).spec,
      source: { type: 'onDemand' as const, caller: { name: 'alice', via: 'api' as const } },
    },
  };
  const codeOf = (fn: () => unknown): string => {
    try {
      fn();
    } catch (error) {
      if (error instanceof OnDemandError) return error.code;
      throw error;
    }
    return 'ok';
  };

  it('records who decided, when and why', () => {
    assert.deepEqual(
      decideApproval(waiting, { decision: 'Approved', by: 'bob', reason: 'ok' }, now),
      {
        required: true,
        decision: 'Approved',
        decidedBy: 'bob',
        decidedAt: '2026-01-01T00:00:00.000Z',
        reason: 'ok',
      },
    );
  });

  it('refuses the requester, a second decision, a finished run, a run without approval', () => {
    assert.equal(
      codeOf(() => decideApproval(waiting, { decision: 'Approved', by: 'alice' }, now)),
      'SelfApproval',
    );
    assert.equal(
      codeOf(() => decideApproval(waiting, { decision: 'Rejected', by: 'alice' }, now)),
      'SelfApproval',
    );
    const decided = {
      ...waiting,
      spec: {
        ...waiting.spec,
        approval: { required: true, decision: 'Approved' as const, decidedBy: 'bob' },
      },
    };
    assert.equal(
      codeOf(() => decideApproval(decided, { decision: 'Rejected', by: 'carol' }, now)),
      'AlreadyDecided',
    );
    const cancelled = { ...waiting, spec: { ...waiting.spec, cancel: true } };
    assert.equal(
      codeOf(() => decideApproval(cancelled, { decision: 'Approved', by: 'bob' }, now)),
      'AlreadyFinished',
    );
    const plain = makeRun([step('a')]);
    assert.equal(
      codeOf(() => decideApproval(plain, { decision: 'Approved', by: 'bob' }, now)),
      'NotAwaitingApproval',
    );
  });

  it('lets anyone decide a run an alert started', () => {
    const fromAlert = makeRun([step('a')], { approval: { required: true } });
    assert.equal(
      codeOf(() => decideApproval(fromAlert, { decision: 'Approved', by: 'alice' }, now)),
      'ok',
    );
  });
});
