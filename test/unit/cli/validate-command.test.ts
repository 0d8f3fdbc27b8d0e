import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { main } from '../../../src/cli/main.ts';

const ROOT = join(import.meta.dirname, '../../..');

async function run(args: string[], stdin = '') {
  let stdout = '';
  let stderr = '';
  const code = await main(['validate', ...args], {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: Readable.from([stdin]),
  });
  return { code, stdout, stderr };
}

const INVALID = `apiVersion: kubernaut.ai/v1alpha1
kind: WorkflowExecution
metadata: { name: bad }
spec:
  workflowType: t
  steps:
    - { name: a, actionType: x, image: "nginx:latest", runAfter: [b] }
---
apiVersion: kubernaut.ai/v1alpha1
kind: WorkflowExecution
metadata: { name: cyclic }
spec:
  workflowType: t
  steps:
    - { name: a, actionType: x, image: "r/a@sha256:${'0'.repeat(64)}", runAfter: [b] }
    - { name: b, actionType: x, image: "r/a@sha256:${'0'.repeat(64)}", runAfter: [a] }
`;

describe('kubernaut validate', () => {
  it('accepts the shipped examples and exits 0', async () => {
    const files = [
      'single-action',
      'parallel-then-join',
      'gitops-chain',
      'remediation-template-crashloop',
    ];
    const result = await run(files.map((name) => join(ROOT, 'manifests/examples', `${name}.yaml`)));
    assert.equal(result.code, 0, result.stdout);
    assert.match(result.stdout, /ok: 4 document\(s\) valid/);
  });

  it('prints every problem as file:doc path: message and exits 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubernaut-validate-'));
    const file = join(dir, 'runs.yaml');
    await writeFile(file, INVALID);
    const result = await run([file]);
    assert.equal(result.code, 1);
    assert.deepEqual(result.stdout.trim().split('\n'), [
      `${file}:1 spec.steps[0].image: "nginx:latest" is not pinned by digest: write it as <repository>@sha256:<64 hex digits>, so that what was verified is what runs`,
      `${file}:1 spec.steps[0].runAfter[0]: names no step of this workflow: "b"`,
      `${file}:2 spec.steps: runAfter forms a cycle: a -> b -> a (each step waits for the next)`,
    ]);
  });

  it('reads standard input for -, including JSON', async () => {
    const result = await run(
      ['-'],
      JSON.stringify({
        apiVersion: 'kubernaut.ai/v1alpha1',
        kind: 'WorkflowExecution',
        metadata: { name: 'x' },
        spec: { workflowType: 't', steps: [] },
      }),
    );
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '<stdin>:1 spec.steps: a workflow needs at least one step\n');
  });

  it('reports YAML syntax errors, unknown kinds and missing files', async () => {
    const syntax = await run(['-'], 'kind: [unclosed');
    assert.equal(syntax.code, 1);
    assert.match(syntax.stdout, /<stdin>:1 \(document\): YAML: /);
    const unknown = await run(['-'], 'kind: Pod\n');
    assert.match(
      unknown.stdout,
      /kind: must be WorkflowExecution or RemediationTemplate, not "Pod"/,
    );
    const missing = await run(['/nonexistent.yaml']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /\/nonexistent.yaml: cannot read: ENOENT/);
  });

  it('runs as `npx kubernaut` with no build step', () => {
    const result = spawnSync(
      'npx',
      [
        '--no-install',
        'kubernaut',
        'validate',
        join(ROOT, 'manifests/examples/single-action.yaml'),
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /ok: 1 document\(s\) valid/);
  });
});
