/**
 * Every default template in manifests/templates/ is valid, is picked by an alert of the shape
 * kube-prometheus-stack sends (and not by its neighbours' alerts), and renders a run whose
 * steps name catalog actions with inputs their contracts accept.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { actionDirectory, loadContract } from '../../../src/actions/catalog/load-catalog.ts';
import { validateInputs } from '../../../src/actions/runtime/validate-inputs.ts';
import {
  compileTemplate,
  matchTemplates,
  sortTemplates,
  type CompiledTemplate,
} from '../../../src/alerts/match-templates.ts';
import { renderAlertRun } from '../../../src/alerts/render-alert-run.ts';
import { validateRemediationTemplate } from '../../../src/alerts/validate-template.ts';
import type { RemediationTemplate } from '../../../src/api/remediation-template.ts';
import { validateDocuments } from '../../../src/cli/validate-documents.ts';

const DIR = join(import.meta.dirname, '../../../manifests/templates');
const STEP_REFERENCE = /^\$\(steps\.([a-z0-9-]+)\.outputs\.([A-Za-z0-9_]+)\)$/;

/** Labels as kube-prometheus-stack's rules (and the OOMKilled custom rule) set them. */
const SAMPLE_ALERTS: Record<string, Record<string, string>> = {
  'kube-pod-crash-looping': {
    alertname: 'KubePodCrashLooping',
    severity: 'warning',
    namespace: 'shop',
    pod: 'payment-7d9c5b6f4-x2x8q',
    container: 'payment',
    reason: 'CrashLoopBackOff',
    job: 'kube-state-metrics',
  },
  'kube-deployment-replicas-mismatch': {
    alertname: 'KubeDeploymentReplicasMismatch',
    severity: 'warning',
    namespace: 'shop',
    deployment: 'payment',
    job: 'kube-state-metrics',
  },
  'kube-hpa-maxed-out': {
    alertname: 'KubeHpaMaxedOut',
    severity: 'warning',
    namespace: 'shop',
    horizontalpodautoscaler: 'payment',
    job: 'kube-state-metrics',
  },
  'kube-persistent-volume-filling-up': {
    alertname: 'KubePersistentVolumeFillingUp',
    severity: 'critical',
    namespace: 'db',
    persistentvolumeclaim: 'data-postgres-0',
    job: 'kubelet',
  },
  'kube-node-not-ready': {
    alertname: 'KubeNodeNotReady',
    severity: 'warning',
    node: 'worker-3',
    job: 'kube-state-metrics',
  },
  'container-oom-killed': {
    alertname: 'KubeContainerOOMKilled',
    severity: 'warning',
    namespace: 'shop',
    pod: 'payment-7d9c5b6f4-x2x8q',
    container: 'payment',
  },
  'container-oom-killed-gitops': {
    alertname: 'KubeContainerOOMKilled',
    severity: 'warning',
    namespace: 'shop',
    pod: 'payment-7d9c5b6f4-x2x8q',
    container: 'payment',
    gitops: 'true',
  },
  'kube-job-failed': {
    alertname: 'KubeJobFailed',
    severity: 'warning',
    namespace: 'batch',
    job_name: 'nightly-backup-29160480',
    job: 'kube-state-metrics',
  },
};

async function loadTemplates(): Promise<
  { file: string; text: string; template: RemediationTemplate }[]
> {
  const files = (await readdir(DIR))
    .filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml')
    .sort();
  return Promise.all(
    files.map(async (file) => {
      const text = await readFile(join(DIR, file), 'utf8');
      const checked = validateRemediationTemplate(parse(text));
      assert.ok(checked.ok, `${file}: ${JSON.stringify(checked.ok ? [] : checked.problems)}`);
      return { file, text, template: checked.value };
    }),
  );
}

describe('default RemediationTemplates', async () => {
  const templates = await loadTemplates();
  const compiled: CompiledTemplate[] = templates.map(({ template }) => {
    const result = compileTemplate(template);
    assert.ok(result.ok);
    return result.compiled;
  });
  const sorted = sortTemplates(compiled);

  it('cover every sample alert, one file per template, and pass `kubernaut validate`', () => {
    assert.deepEqual(
      templates.map(({ template }) => template.metadata.name).sort(),
      Object.keys(SAMPLE_ALERTS).sort(),
    );
    for (const { file, text } of templates) {
      const problems = validateDocuments(text).flatMap((report) => report.problems);
      assert.deepEqual(problems, [], file);
    }
  });

  for (const { template } of templates) {
    const name = template.metadata.name ?? '';
    it(`${name}: its alert picks it alone and renders steps the contracts accept`, async () => {
      const labels = SAMPLE_ALERTS[name] ?? {};
      assert.deepEqual(
        matchTemplates(sorted, labels).map((match) => match.template.metadata.name),
        [name],
      );
      assert.ok(template.spec.guardrails?.cooldown, 'every default template has a cooldown');
      assert.equal(template.spec.guardrails.maxActivePerTarget, 1);
      const rendered = renderAlertRun({
        template,
        alert: {
          status: 'firing',
          fingerprint: 'f00d',
          labels,
          annotations: {},
          startsAt: '2026-11-27T10:00:00.000Z',
        },
        target: 'sample',
        name: `${name}-run`,
      });
      assert.ok(rendered.ok, rendered.ok ? '' : rendered.reason);
      const steps = rendered.run.spec.steps;
      for (const step of steps) {
        const contract = await loadContract(actionDirectory(step.actionType));
        assert.match(step.image, new RegExp(`/${step.actionType}@sha256:[a-f0-9]{64}$`));
        const literal: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(step.inputs)) {
          const reference = typeof value === 'string' ? STEP_REFERENCE.exec(value) : null;
          if (!reference) {
            literal[key] = value;
            continue;
          }
          // A reference to an earlier step's output: that step and its declared output exist.
          const source = steps.find((candidate) => candidate.name === reference[1]);
          assert.ok(
            source && step.runAfter?.includes(source.name),
            `${step.name}.${key}: runs after ${String(reference[1])}`,
          );
          const sourceContract = await loadContract(actionDirectory(source.actionType));
          assert.ok(
            sourceContract.spec.outputs.some((output) => output.name === reference[2]),
            `${step.name}.${key}: ${value as string}`,
          );
          assert.ok(
            contract.spec.inputs.some((input) => input.name === key),
            `${step.name}.${key}: an input of ${step.actionType}`,
          );
        }
        const check = validateInputs(
          {
            ...contract,
            spec: {
              ...contract.spec,
              inputs: contract.spec.inputs.filter(
                (input) => !(input.name in step.inputs) || input.name in literal,
              ),
            },
          },
          literal,
        );
        assert.ok(
          check.ok,
          `${name} step ${step.name}: ${check.ok ? '' : check.problems.join('; ')}`,
        );
      }
    });
  }
});
