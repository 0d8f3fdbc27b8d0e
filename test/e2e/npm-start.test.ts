/**
 * `npm start` on the embedded default: the dispatcher and the local cluster come up, kubectl
 * works with the written kubeconfig, the CRDs are served, and Ctrl-C stops everything.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../fixtures/free-port.ts';
import { kubectl, kubectlMissing } from '../fixtures/kubectl.ts';

const ROOT = join(import.meta.dirname, '../..');

describe('npm start (local mode)', { skip: kubectlMissing() }, () => {
  let dir: string;
  let port: number;
  let child: ReturnType<typeof spawn>;
  let output = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubernaut-start-'));
    port = await freePort();
    const apiPort = await freePort();
    const env = {
      PATH: process.env.PATH,
      KUBERNAUT_LOCAL_DIR: dir,
      PORT: String(port),
      KUBE_API_PORT: String(apiPort),
      KUBERNAUT_LOCAL_REGISTRY_PORT: String(await freePort()),
      LOG_LEVEL: 'info',
      KUBERNAUT_LOCAL_TOKEN: 'local-token-for-the-test',
    };
    child = spawn(process.execPath, ['src/main.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // Ready when the next-steps banner is printed (it follows the listening log line).
    await new Promise<void>((resolve, reject) => {
      const onData = (): void => {
        if (output.includes('Kubernaut Dispatcher is running')) resolve();
      };
      child.stdout?.on('data', onData);
      child.once('exit', (code) =>
        reject(new Error(`npm start exited with ${String(code)}:\n${output}`)),
      );
    });
  });
  after(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the dispatcher health endpoints', async () => {
    const response = await fetch(`http://127.0.0.1:${String(port)}/healthz`);
    assert.equal(response.status, 200);
    assert.equal((await fetch(`http://127.0.0.1:${String(port)}/readyz`)).status, 200);
  });

  it('writes the token and a kubeconfig that real kubectl uses', async () => {
    assert.equal((await readFile(join(dir, 'token'), 'utf8')).trim(), 'local-token-for-the-test');
    const kubeconfig = join(dir, 'kubeconfig');
    const nodes = await kubectl(kubeconfig, ['get', 'nodes', '-o', 'name']);
    assert.deepEqual(nodes.stdout.trim().split('\n'), ['node/local-node-1', 'node/local-node-2']);
    await kubectl(kubeconfig, ['apply', '-f', join(ROOT, 'manifests/examples/single-action.yaml')]);
    const { stdout } = await kubectl(kubeconfig, [
      'get',
      'wfe',
      'scale-payment',
      '-o',
      'jsonpath={.spec.steps[0].name}',
    ]);
    assert.equal(stdout, 'scale-deployment');
  });

  it('runs the engine: an applied run is reconciled to a final phase', async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    // The example's image is not in the local catalog yet, so its pull fails: proof that
    // the engine picked the run up, created its Job, and reported why it could not run.
    const { stdout } = await kubectl(kubeconfig, [
      'wait',
      '--for=jsonpath={.status.phase}=Failed',
      'wfe/scale-payment',
      '--timeout=20s',
    ]);
    assert.match(stdout, /condition met/);
    const reason = await kubectl(kubeconfig, [
      'get',
      'wfe',
      'scale-payment',
      '-o',
      'jsonpath={.status.steps[0].reason}',
    ]);
    assert.equal(reason.stdout, 'ImagePullBackOff');
    // kubectl describe tells the run's story from its Events.
    const { stdout: story } = await kubectl(kubeconfig, ['describe', 'wfe', 'scale-payment']);
    assert.match(story, /StepStarted\s+.*step scale-deployment attempt 1 started/);
    assert.match(story, /StepFailed\s+.*ImagePullBackOff/);
  });

  it('serves Prometheus metrics', async () => {
    const text = await (await fetch(`http://127.0.0.1:${String(port)}/metrics`)).text();
    assert.match(text, /kubernaut_runs_finished_total\{result="Failed",backend="jobs"\} 1/);
  });

  it('prints what to do next', () => {
    assert.match(output, /kubectl --kubeconfig .*kubeconfig get wfe -w/);
  });

  it('stops cleanly on Ctrl-C (SIGINT)', async () => {
    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0, output);
    assert.match(output, /"msg":"stopped"/);
  });
});
