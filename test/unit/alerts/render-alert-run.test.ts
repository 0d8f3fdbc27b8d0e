import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderAlertRun } from '../../../src/alerts/render-alert-run.ts';
import { alertRunName, targetHash } from '../../../src/alerts/run-name.ts';
import type { IntakeAlert } from '../../../src/alerts/webhook-payload.ts';
import { workflowExecutionSchema } from '../../../src/api/workflow-execution.ts';
import { makeTemplate } from '../../fixtures/alert-templates.ts';

const alert: IntakeAlert = {
  status: 'firing',
  fingerprint: '0123456789abcdef',
  labels: { alertname: 'PodCrashLooping', namespace: 'shop', pod: 'cart-1' },
  annotations: { summary: 'cart is crash looping' },
  startsAt: '2024-05-01T10:00:00.123Z',
};

describe('alertRunName', () => {
  const base = ['default/restart', 'restart', 'shop/Deployment/cart', alert.startsAt] as const;
  it('is the same for every repeat of a firing episode', () => {
    assert.equal(alertRunName(...base), alertRunName(...base));
    assert.match(alertRunName(...base), /^restart-[0-9a-f]{12}$/);
  });
  const variants: [string, Parameters<typeof alertRunName>][] = [
    ['another template', ['default/other', 'restart', base[2], base[3]]],
    ['another namespace of the template', ['prod/restart', 'restart', base[2], base[3]]],
    ['another target', [base[0], base[1], 'shop/Deployment/checkout', base[3]]],
    ['another episode', [base[0], base[1], base[2], '2024-05-01T11:00:00.000Z']],
  ];
  for (const [title, args] of variants) {
    it(`differs for ${title}`, () => {
      assert.notEqual(alertRunName(...args), alertRunName(...base));
    });
  }
  it('stays a DNS label for long and dotted template names', () => {
    const name = alertRunName('d/x', `a.${'b'.repeat(80)}`, 't', 's');
    assert.ok(name.length <= 63, name);
    assert.match(name, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });
  it('hashes targets into label values', () => {
    assert.match(targetHash('shop/Deployment/cart'), /^[0-9a-f]{20}$/);
  });
});

describe('renderAlertRun', () => {
  it('renders inputs, records the alert source and the labels guardrails select by', () => {
    const template = makeTemplate('restart', {
      guardrails: { dryRun: true, approval: { required: true } },
      timeout: '5m',
    });
    const result = renderAlertRun({
      template,
      alert,
      target: 'shop/Deployment/cart',
      name: 'restart-1',
      receiver: 'kubernaut',
    });
    assert.ok(result.ok, result.ok ? '' : result.reason);
    const { run } = result;
    assert.deepEqual(run.spec.steps[0]?.inputs, {
      namespace: 'shop',
      reason: 'cart is crash looping',
    });
    assert.equal(run.spec.target, 'shop/Deployment/cart');
    assert.equal(run.spec.dryRun, true);
    assert.deepEqual(run.spec.approval, { required: true });
    assert.equal(run.spec.timeout, '5m');
    assert.deepEqual(run.spec.templateRef, {
      name: 'restart',
      namespace: 'default',
      uid: 'uid-restart',
    });
    assert.deepEqual(run.spec.source, {
      type: 'alert',
      alert: {
        fingerprint: alert.fingerprint,
        labels: alert.labels,
        annotations: alert.annotations,
        startsAt: alert.startsAt,
        receiver: 'kubernaut',
      },
    });
    assert.deepEqual(run.metadata.labels, {
      'app.kubernetes.io/managed-by': 'kubernaut-dispatcher',
      'kubernaut.ai/template': 'restart',
      'kubernaut.ai/target-hash': targetHash('shop/Deployment/cart'),
      'kubernaut.ai/alert-fingerprint': alert.fingerprint,
    });
    // What is created is a valid WorkflowExecution.
    assert.equal(workflowExecutionSchema.safeParse(run).success, true);
  });

  it('renders nested inputs and parameter defaults', () => {
    const template = makeTemplate('nested', {
      parameters: [{ name: 'replicas', default: '3' }],
      steps: [
        {
          name: 's',
          actionType: 'a',
          image: `r/i@sha256:${'b'.repeat(64)}`,
          inputs: { list: ['{{ labels.pod }}', 7], deep: { replicas: '{{ params.replicas }}' } },
        },
      ],
    });
    const result = renderAlertRun({ template, alert, target: 't/Pod/p', name: 'n' });
    assert.ok(result.ok);
    assert.deepEqual(result.run.spec.steps[0]?.inputs, {
      list: ['cart-1', 7],
      deep: { replicas: '3' },
    });
  });

  it('rejects an alert that lacks a label the template needs, never rendering an empty string', () => {
    const template = makeTemplate('needs', {
      steps: [
        {
          name: 's',
          actionType: 'a',
          image: `r/i@sha256:${'b'.repeat(64)}`,
          inputs: { deployment: '{{ labels.deployment }}', node: '{{ labels.node }}' },
        },
      ],
    });
    const result = renderAlertRun({ template, alert, target: 't/Pod/p', name: 'n' });
    assert.deepEqual(result, {
      ok: false,
      reason:
        'template needs: the alert has no value for {{ labels.deployment }}, {{ labels.node }}',
    });
  });
});
