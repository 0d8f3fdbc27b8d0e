import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { actionContractSchema } from '../../../src/api/action-contract.ts';
import { ActionError } from '../../../src/actions/runtime/action-error.ts';
import type { ActionFunction } from '../../../src/actions/runtime/define-action.ts';
import { executeAction } from '../../../src/actions/runtime/execute-action.ts';

const contract = actionContractSchema.parse({
  apiVersion: 'kubernaut.ai/v1alpha1',
  kind: 'ActionContract',
  metadata: { name: 'test/echo', version: '1.0.0' },
  spec: {
    inputs: [
      { name: 'word', type: 'string', required: true },
      { name: 'apiToken', type: 'string' },
    ],
    outputs: [{ name: 'echo', type: 'string' }],
  },
});

const echo: ActionFunction<{ word: string }> = async ({ inputs, log }) => {
  log.info('echoing');
  return { echo: inputs.word };
};

describe('executeAction', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'action-runtime-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  async function execute(
    run: ActionFunction<never>,
    env: Record<string, string>,
    stdinText?: string,
  ): Promise<{ code: number; stdout: string; logs: Record<string, unknown>[]; loaded: boolean }> {
    let stdout = '';
    let stderr = '';
    let loaded = false;
    const code = await executeAction({
      contract,
      loadRun: async () => {
        loaded = true;
        return run;
      },
      env: { KUBERNAUT_ROOT: root, ...env },
      stdin: stdinText === undefined ? undefined : Readable.from([stdinText]),
      writeStdout: (text) => (stdout += text),
      writeStderr: (text) => (stderr += text),
    });
    const logs = stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    return { code, stdout, logs, loaded };
  }

  it('reads ACTION_INPUTS before standard input, and logs JSON with the secrets masked', async () => {
    const result = await execute(
      echo,
      { ACTION_INPUTS: '{"word":"env","apiToken":"s3cret"}' },
      '{"word":"stdin"}',
    );
    assert.equal(result.code, 0);
    assert.equal(result.stdout, '{"echo":"env"}\n');
    assert.deepEqual(result.logs[0]?.inputs, { word: 'env', apiToken: '[redacted]' });
    assert.equal(result.logs[0]?.action, 'test/echo');
    assert.doesNotMatch(JSON.stringify(result.logs), /s3cret/);
  });

  it('resolves output references from the upstream outputs (the Tekton backend)', async () => {
    const result = await execute(echo, {
      ACTION_INPUTS: '{"word":"$(steps.find.outputs.name)"}',
      KUBERNAUT_UPSTREAM_OUTPUTS: '{"find":{"name":"web-7f9"}}',
    });
    assert.equal(result.code, 0);
    assert.equal(result.stdout, '{"echo":"web-7f9"}\n');
  });

  it('exits 1 naming the reference when an upstream output is missing', async () => {
    const result = await execute(echo, {
      ACTION_INPUTS: '{"word":"$(steps.find.outputs.name)"}',
      KUBERNAUT_UPSTREAM_OUTPUTS: '{"find":{}}',
    });
    assert.equal(result.code, 1);
    assert.equal(result.loaded, false);
    assert.match(JSON.stringify(result.logs), /find/);
  });

  it('reads standard input when ACTION_INPUTS is unset', async () => {
    const result = await execute(echo, {}, '{"word":"stdin"}');
    assert.equal(result.stdout, '{"echo":"stdin"}\n');
  });

  it('answers bad inputs with exit 2 without loading the action', async () => {
    const result = await execute(echo, { ACTION_INPUTS: '{"word":1}' });
    assert.equal(result.code, 2);
    assert.equal(result.loaded, false);
    assert.equal(result.logs.at(-1)?.msg, 'inputs.word: must be a string, got integer 1');
  });

  it('exits 1 when the action throws, and writes the reason to the termination log', async () => {
    await mkdir(join(root, 'dev'), { recursive: true });
    await writeFile(join(root, 'dev/termination-log'), '');
    const failing: ActionFunction = async () => {
      throw new ActionError('Timeout', 'the rollout did not complete in 5s');
    };
    const result = await execute(failing, { ACTION_INPUTS: '{"word":"x"}' });
    assert.equal(result.code, 1);
    assert.equal(
      await readFile(join(root, 'dev/termination-log'), 'utf8'),
      'Timeout: the rollout did not complete in 5s',
    );
    await rm(join(root, 'dev'), { recursive: true });
  });

  it('fails an action whose outputs break its contract', async () => {
    const sloppy: ActionFunction = async () => ({ echo: 1 });
    const result = await execute(sloppy, { ACTION_INPUTS: '{"word":"x"}' });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(String(result.logs.at(-1)?.msg), /outputs\.echo: declared string, got integer/);
  });

  it('exits 1 on an unexpected error, logging it with its stack', async () => {
    const buggy: ActionFunction = async () => {
      throw new TypeError('boom');
    };
    const result = await execute(buggy, { ACTION_INPUTS: '{"word":"x"}' });
    assert.equal(result.code, 1);
    assert.match(JSON.stringify(result.logs.at(-1)?.err), /TypeError: boom/);
  });
});
