import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ProcessLauncher } from '../../../wrangler-free-local/cluster/process-launcher.ts';

const ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

describe('ProcessLauncher', () => {
  it('runs a process with its environment and directory, streaming its output and exit code', async () => {
    const launcher = new ProcessLauncher(2);
    try {
      let output = '';
      const launched = launcher.launch(
        {
          argv: ['/bin/sh', '-c', 'echo "$GREETING from $(pwd)"; echo oops >&2; exit 3'],
          env: { ...ENV, GREETING: 'hello' },
          cwd: '/tmp',
        },
        (text) => (output += text),
      );
      assert.deepEqual(await launched.ended, { code: 3, signal: null });
      assert.match(output, /hello from \/tmp\n/);
      assert.match(output, /oops\n/);
    } finally {
      launcher.close();
    }
  });

  it('reports a command that cannot start', async () => {
    const launcher = new ProcessLauncher();
    try {
      const launched = launcher.launch(
        { argv: ['/nonexistent/command'], env: ENV, cwd: '/tmp' },
        () => undefined,
      );
      const end = await launched.ended;
      assert.ok('startError' in end);
      assert.match(end.startError, /ENOENT/);
    } finally {
      launcher.close();
    }
  });

  it('kills a process with the signal asked for', async () => {
    const launcher = new ProcessLauncher();
    try {
      let started: () => void = () => undefined;
      const running = new Promise<void>((resolve) => (started = resolve));
      const launched = launcher.launch(
        { argv: ['/bin/sh', '-c', 'echo up; exec sleep 30'], env: ENV, cwd: '/tmp' },
        () => {
          started();
        },
      );
      await running;
      launched.kill('SIGKILL');
      assert.deepEqual(await launched.ended, { code: null, signal: 'SIGKILL' });
    } finally {
      launcher.close();
    }
  });

  it('fails every start once closed', async () => {
    const launcher = new ProcessLauncher();
    launcher.close();
    const end = await launcher.launch(
      { argv: ['/bin/true'], env: ENV, cwd: '/tmp' },
      () => undefined,
    ).ended;
    assert.deepEqual(end, { startError: 'the process launcher is closed' });
  });
});
