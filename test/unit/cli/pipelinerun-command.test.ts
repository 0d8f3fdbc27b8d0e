import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { runPipelineRun } from '../../../src/cli/pipelinerun-command.ts';
import {
  digestPinningCheck,
  type StepStartCheck,
} from '../../../src/backends/jobs/step-start-check.ts';
import { loadActionTask } from '../../../src/backends/tekton/action-task.ts';
import type { PipelineRun } from '../../../src/backends/tekton/tekton-types.ts';
import { validateTektonObject } from '../../../src/backends/tekton/validate-tekton.ts';

const EXAMPLES = join(import.meta.dirname, '../../../manifests/examples');
const VERIFIED = `sha256:${'f'.repeat(64)}`;

async function run(args: string[], check: StepStartCheck = digestPinningCheck, stdin = '') {
  let stdout = '';
  let stderr = '';
  const code = await runPipelineRun(
    args,
    {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      stdin: Readable.from([stdin]),
    },
    () => Promise.resolve({ check, close: () => Promise.resolve() }),
  );
  return { code, stdout, stderr };
}

describe('kubernaut pipelinerun', () => {
  for (const example of ['single-action.yaml', 'parallel-then-join.yaml', 'gitops-chain.yaml']) {
    it(`prints a valid Tekton v1 PipelineRun for ${example}, offline`, async () => {
      const { code, stdout, stderr } = await run([join(EXAMPLES, example), '--skip-verify']);
      assert.equal(code, 0, stderr);
      const pipelineRun = parse(stdout) as PipelineRun;
      assert.equal(pipelineRun.kind, 'PipelineRun');
      assert.equal(pipelineRun.metadata.ownerReferences, undefined, 'a file has no uid to own');
      const task = loadActionTask().spec;
      assert.deepEqual(
        validateTektonObject(pipelineRun, (name) =>
          name === 'kubernaut-action' ? task : undefined,
        ),
        [],
      );
    });
  }

  it('runs the pre-flight and pins the verified digest unless --skip-verify', async () => {
    const verifying: StepStartCheck = {
      check: () =>
        Promise.resolve({ ok: true, verification: { verified: true, digest: VERIFIED } }),
    };
    const { code, stdout } = await run([join(EXAMPLES, 'single-action.yaml')], verifying);
    assert.equal(code, 0);
    const params = (parse(stdout) as PipelineRun).spec.pipelineSpec?.tasks?.[0]?.params ?? [];
    assert.match(
      JSON.stringify(params.find((param) => param.name === 'actionImage')?.value),
      new RegExp(`@${VERIFIED}"$`),
    );
  });

  it('prints nothing and names the step and reason when the pre-flight refuses an image', async () => {
    const refusing: StepStartCheck = {
      check: () =>
        Promise.resolve({
          ok: false,
          reason: 'SignatureVerificationFailed',
          message: 'no signature',
        }),
    };
    const { code, stdout, stderr } = await run([join(EXAMPLES, 'single-action.yaml')], refusing);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.match(stderr, /step scale-deployment: SignatureVerificationFailed: no signature/);
  });

  it('reports an invalid WorkflowExecution by field, and usage errors', async () => {
    const invalid =
      'apiVersion: kubernaut.ai/v1alpha1\nkind: WorkflowExecution\nmetadata: { name: x }\nspec:\n  workflowType: t\n  steps:\n    - { name: a, actionType: x, image: "nginx:latest" }\n';
    const result = await run(['-', '--skip-verify'], digestPinningCheck, invalid);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /spec\.steps\[0\]\.image/);
    assert.equal((await run([])).code, 2);
  });
});
