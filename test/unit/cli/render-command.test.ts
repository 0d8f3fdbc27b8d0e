import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { main } from '../../../src/cli/main.ts';
import { validateWorkflowExecution } from '../../../src/workflow/validate-workflow-execution.ts';
import { webhookBody } from '../../fixtures/alert-templates.ts';

const ROOT = join(import.meta.dirname, '../../..');
const TEMPLATE = join(ROOT, 'manifests/examples/remediation-template-crashloop.yaml');
const ALERT = join(ROOT, 'manifests/examples/alert-crashloop.json');

async function render(args: string[], stdin = '') {
  let stdout = '';
  let stderr = '';
  const code = await main(['render', ...args], {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: Readable.from([stdin]),
  });
  return { code, stdout, stderr };
}

describe('kubernaut render', () => {
  it('prints the match and a valid WorkflowExecution for the example alert', async () => {
    const { code, stdout, stderr } = await render([TEMPLATE, '--alert', ALERT]);
    assert.equal(code, 0, stderr);
    assert.match(
      stdout,
      /^# alert 0 KubePodCrashLooping: template default\/crashloop-restart create$/m,
    );
    assert.match(
      stdout,
      /^# note: the cluster would resolve Pod payment-7d4b9c-x2x9z up its owner chain/m,
    );
    const documents = parseAllDocuments(stdout).map((document) => document.toJS() as unknown);
    const run = documents.find((document) => document !== null);
    const validated = validateWorkflowExecution(run);
    assert.ok(validated.ok, validated.ok ? '' : JSON.stringify(validated.problems));
    assert.equal(validated.value.spec.steps[0]?.inputs.pod, 'payment-7d4b9c-x2x9z');
    assert.equal(validated.value.spec.target, 'default/Pod/payment-7d4b9c-x2x9z');
  });

  it('says unmatched, rejected and resolved per alert, reading the payload from stdin', async () => {
    const body = webhookBody([
      { labels: { alertname: 'Other' } },
      { labels: { alertname: 'KubePodCrashLooping', severity: 'critical' } },
      { labels: { alertname: 'KubePodCrashLooping' }, status: 'resolved' },
    ]);
    (body.alerts as unknown[]).push({ labels: {} });
    const { code, stdout } = await render([TEMPLATE, '--alert', '-'], JSON.stringify(body));
    assert.equal(code, 0);
    assert.deepEqual(stdout.trim().split('\n'), [
      '# alert 0 Other: unmatched',
      '# alert 1 KubePodCrashLooping: template default/crashloop-restart rejected: no target: the template has no spec.target and the alert has no namespace label with deployment, statefulset, daemonset, job_name, cronjob, replicaset or pod (nor a node label)',
      '# alert 2 KubePodCrashLooping: resolved: a resolved alert starts nothing',
      '# alert 3: rejected: alerts[3].labels: at least one label pair is required',
    ]);
  });

  it('fails on an invalid template or payload, and without --alert', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'render-'));
    const bad = join(dir, 'bad.yaml');
    await writeFile(
      bad,
      'apiVersion: kubernaut.ai/v1alpha1\nkind: RemediationTemplate\nmetadata: { name: b }\nspec: { match: ["a=~\\"(\\""], workflowType: t, steps: [] }\n',
    );
    const badTemplate = await render([bad, '--alert', ALERT]);
    assert.equal(badTemplate.code, 1);
    assert.match(
      badTemplate.stderr,
      /bad.yaml:1 spec.match\[0\]: .*not a valid regular expression/,
    );
    const badPayload = await render([TEMPLATE, '--alert', '-'], '{"alerts": 3}');
    assert.equal(badPayload.code, 1);
    assert.match(
      badPayload.stderr,
      /not an Alertmanager webhook payload: alerts: must be an array/,
    );
    assert.equal((await render([TEMPLATE])).code, 2);
  });
});
