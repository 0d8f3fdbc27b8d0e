// The seed's GitOps chain as real processes over one shared workspace, with the real git:
// git/clone from a local bare repository → git/modify-file (a YAML edit that keeps comments
// and formatting) → git/commit on a branch → git/create-pr (push, then the GitHub or GitLab
// API on a loopback server that records the calls).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import {
  assertBadInput,
  assertFailed,
  runOfflineAction,
  type InputMode,
} from '../../fixtures/run-action-process.ts';

const exec = promisify(execFile);
const TOKEN = 'ghp_S3cretTokenValue42';
const BRANCH = 'kubernaut/payment-oom';

const DEPLOYMENT = `# Deployment of the payment service (managed in Git)
apiVersion: apps/v1
kind: Deployment
metadata:
  name: payment # the service
  annotations:
    example.com/owner: "team-a"
spec:
  replicas: 2 # the HPA takes over from here
  template:
    spec:
      containers:
        - name: app
          image: 'ghcr.io/acme/payment:1.2'
          resources:
            limits:
              memory: 256Mi # OOMKilled at peak
---
apiVersion: v1
kind: Service
metadata: {name: payment}   # left exactly as it is
`;

interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** A loopback stand-in for the GitHub and GitLab APIs: records every call. */
async function startApi(): Promise<{ server: Server; url: string; calls: Recorded[] }> {
  const calls: Recorded[] = [];
  const opened = new Set<string>();
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const body: unknown = text === '' ? undefined : JSON.parse(text);
      calls.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const send = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      const url = req.url ?? '';
      if (!JSON.stringify(req.headers).includes(TOKEN)) {
        send(401, { message: 'Bad credentials' });
      } else if (req.method === 'POST' && url === '/repos/acme/payments/pulls') {
        if (opened.has('github')) {
          send(422, {
            message: 'Validation Failed',
            errors: [{ message: `A pull request already exists for acme:${BRANCH}.` }],
          });
          return;
        }
        opened.add('github');
        send(201, { html_url: 'https://github.example/acme/payments/pull/7', number: 7 });
      } else if (req.method === 'GET' && url.startsWith('/repos/acme/payments/pulls?')) {
        send(200, [{ html_url: 'https://github.example/acme/payments/pull/7', number: 7 }]);
      } else if (
        req.method === 'POST' &&
        url === '/api/v4/projects/acme%2Fpayments/merge_requests'
      ) {
        send(201, { web_url: 'https://gitlab.example/acme/payments/-/merge_requests/3', iid: 3 });
      } else send(404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls };
}

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await exec(
    'git',
    ['-c', 'user.name=Seed', '-c', 'user.email=seed@example.com', ...args],
    { cwd, env: { PATH: process.env.PATH ?? '', HOME: cwd, GIT_CONFIG_NOSYSTEM: '1' } },
  );
  return stdout.trim();
}

describe('the GitOps chain: git/clone → git/modify-file → git/commit → git/create-pr', () => {
  let dir: string;
  let remote: string;
  let workspace: string;
  let seedCommit: string;
  let api: Awaited<ReturnType<typeof startApi>>;
  const run = (type: string, mode: InputMode, inputs: unknown, env: Record<string, string> = {}) =>
    runOfflineAction(type, {
      mode,
      inputs,
      workspace,
      env,
    });
  const checkout = () => join(workspace, 'repo');

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'git-chain-'));
    remote = join(dir, 'payments.git');
    workspace = join(dir, 'workspace');
    await mkdir(workspace);
    await exec('git', ['init', '--quiet', '--bare', '--initial-branch=main', remote]);
    const seed = join(dir, 'seed');
    await exec('git', ['clone', '--quiet', remote, seed]);
    await mkdir(join(seed, 'deploy'));
    await writeFile(join(seed, 'deploy/payment.yaml'), DEPLOYMENT);
    await git(seed, ['add', '.']);
    await git(seed, ['commit', '--quiet', '-m', 'payment service']);
    await git(seed, ['push', '--quiet', 'origin', 'HEAD:main']);
    seedCommit = await git(seed, ['rev-parse', 'HEAD']);
    api = await startApi();
  });

  after(async () => {
    api.server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('clones the repository into the workspace (inputs from env)', async () => {
    const result = await run('git/clone', 'env', { repository: `file://${remote}` });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(result.outputs, {
      directory: '/workspace/repo',
      branch: 'main',
      commit: seedCommit,
    });
    assert.equal(await readFile(join(checkout(), 'deploy/payment.yaml'), 'utf8'), DEPLOYMENT);
  });

  it('sets a value at a YAML path keeping comments and formatting (inputs from stdin)', async () => {
    const path = 'spec.template.spec.containers[0].resources.limits.memory';
    const result = await run('git/modify-file', 'stdin', {
      file: 'deploy/payment.yaml',
      values: { [path]: '512Mi' },
    });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(result.outputs, {
      file: '/workspace/repo/deploy/payment.yaml',
      changed: true,
      previous: { [path]: '256Mi' },
    });
    // Exactly one value differs: every comment, quote and the second document stay as they were.
    assert.equal(
      await readFile(join(checkout(), 'deploy/payment.yaml'), 'utf8'),
      DEPLOYMENT.replace('memory: 256Mi # OOMKilled', 'memory: 512Mi # OOMKilled'),
    );
    const again = await run('git/modify-file', 'env', {
      file: 'deploy/payment.yaml',
      values: { [path]: '512Mi' },
    });
    assert.equal(again.outputs?.['changed'], false);
  });

  it('commits the change on a branch of its own (inputs from env)', async () => {
    const result = await run('git/commit', 'env', {
      branch: BRANCH,
      message: 'payment: memory limit 512Mi after OOMKilled',
    });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.outputs?.['branch'], BRANCH);
    assert.equal(result.outputs?.['changed'], true);
    assert.deepEqual(result.outputs?.['files'], ['deploy/payment.yaml']);
    assert.equal(
      await git(checkout(), ['log', '-1', '--format=%an <%ae>|%s']),
      'Kubernaut <kubernaut@localhost>|payment: memory limit 512Mi after OOMKilled',
    );
    assert.equal(await git(checkout(), ['rev-parse', 'HEAD~1']), seedCommit);
  });

  it('pushes the branch and opens a pull request through the GitHub API (inputs from stdin)', async () => {
    const result = await run(
      'git/create-pr',
      'stdin',
      {
        apiUrl: api.url,
        repository: 'acme/payments',
        title: 'payment: raise the memory limit',
        body: 'Opened by Kubernaut after `KubePodOOMKilled`.',
      },
      { GIT_TOKEN: TOKEN },
    );
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(result.outputs, {
      url: 'https://github.example/acme/payments/pull/7',
      number: 7,
      branch: BRANCH,
      created: true,
    });
    const call = api.calls.at(-1);
    assert.equal(call?.method, 'POST');
    assert.equal(call?.url, '/repos/acme/payments/pulls');
    assert.equal(call?.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(call?.headers.accept, 'application/vnd.github+json');
    assert.equal(call?.headers['x-github-api-version'], '2022-11-28');
    assert.equal(call?.headers['content-type'], 'application/json');
    assert.deepEqual(call?.body, {
      title: 'payment: raise the memory limit',
      head: BRANCH,
      base: 'main',
      body: 'Opened by Kubernaut after `KubePodOOMKilled`.',
      draft: false,
    });
    // The branch is on the remote with the edit; main is untouched.
    const pushed = await git(remote, ['show', `${BRANCH}:deploy/payment.yaml`]);
    assert.match(pushed, /memory: 512Mi # OOMKilled at peak/);
    assert.match(pushed, /# Deployment of the payment service \(managed in Git\)/);
    assert.equal(await git(remote, ['rev-parse', 'main']), seedCommit);
    // The token is nowhere in what the action printed.
    assert.ok(!result.stdout.includes(TOKEN) && !result.stderr.includes(TOKEN));
  });

  it('adopts the pull request a previous attempt opened (inputs from env)', async () => {
    const result = await run(
      'git/create-pr',
      'env',
      { apiUrl: api.url, repository: 'acme/payments', title: 'payment: raise the memory limit' },
      { GIT_TOKEN: TOKEN },
    );
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(result.outputs, {
      url: 'https://github.example/acme/payments/pull/7',
      number: 7,
      branch: BRANCH,
      created: false,
    });
    const find = api.calls.at(-1);
    assert.equal(find?.method, 'GET');
    assert.equal(
      find?.url,
      `/repos/acme/payments/pulls?head=acme%3A${encodeURIComponent(BRANCH)}&base=main&state=open`,
    );
  });

  it('opens a GitLab merge request with the token from a mounted file', async () => {
    await mkdir(join(workspace, 'secret'), { recursive: true });
    await writeFile(join(workspace, 'secret/token'), `${TOKEN}\n`);
    const result = await run('git/create-pr', 'stdin', {
      provider: 'gitlab',
      apiUrl: `${api.url}/api/v4`,
      repository: 'acme/payments',
      title: 'payment: raise the memory limit',
      draft: true,
      tokenFile: '/workspace/secret/token',
      username: 'oauth2',
    });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(
      result.outputs?.['url'],
      'https://gitlab.example/acme/payments/-/merge_requests/3',
    );
    const call = api.calls.at(-1);
    assert.equal(call?.url, '/api/v4/projects/acme%2Fpayments/merge_requests');
    assert.equal(call?.headers['private-token'], TOKEN);
    assert.deepEqual(call?.body, {
      source_branch: BRANCH,
      target_branch: 'main',
      title: 'Draft: payment: raise the memory limit',
      description: '',
    });
  });

  it('fails clearly without a token, with a refused token, or on an unknown repository', async () => {
    const calls = api.calls.length;
    assertFailed(
      await run('git/create-pr', 'env', {
        apiUrl: api.url,
        repository: 'acme/payments',
        title: 't',
      }),
      /^Failed: no token: mount a Secret and set tokenFile, or set GIT_TOKEN/,
    );
    assert.equal(api.calls.length, calls);
    const refused = await run(
      'git/create-pr',
      'stdin',
      { apiUrl: api.url, repository: 'acme/payments', title: 't' },
      { GIT_TOKEN: 'wrong-token' },
    );
    assertFailed(refused, /^Failed: github answered 401 .*the token was refused/);
    assert.ok(!refused.stderr.includes('wrong-token'));
    assertFailed(
      await run('git/clone', 'env', {
        repository: `file://${dir}/missing.git`,
        directory: 'other',
      }),
      /^Failed: git clone failed: .*does not appear to be a git repository/,
    );
  });

  it('exits 2 on bad inputs and changes nothing', async () => {
    const before = await readFile(join(checkout(), 'deploy/payment.yaml'), 'utf8');
    const head = await git(checkout(), ['rev-parse', 'HEAD']);
    assertBadInput(
      await run('git/modify-file', 'env', { file: 'deploy/payment.yaml' }),
      /inputs\.values: required/,
    );
    assertBadInput(
      await run('git/modify-file', 'stdin', {
        file: 'deploy/payment.yaml',
        values: { 'spec..x': 1 },
      }),
      /inputs\.values: the path "spec\.\.x" is not of the form/,
    );
    assertBadInput(
      await run('git/clone', 'env', { repository: `file://${remote}`, depth: '1' }),
      /inputs\.depth: must be an integer/,
    );
    assertBadInput(
      await run('git/clone', 'stdin', { repository: 'ext::sh -c touch% /tmp/pwned' }),
      /inputs\.repository: .* does not match/,
    );
    assertBadInput(
      await run('git/commit', 'env', { branch: '--delete', message: 'x' }),
      /inputs\.branch: "--delete" does not match/,
    );
    assertBadInput(
      await run('git/modify-file', 'stdin', { file: '../../etc/passwd', values: { a: 1 } }),
      /inputs\.file: must be a path inside the workspace, got "\.\.\/\.\.\/etc\/passwd"/,
    );
    assertFailed(
      await run('git/modify-file', 'env', { file: 'deploy/missing.yaml', values: { a: 1 } }),
      /^NotFound: file deploy\/missing\.yaml not found in \/workspace\/repo/,
    );
    assert.equal(await readFile(join(checkout(), 'deploy/payment.yaml'), 'utf8'), before);
    assert.equal(await git(checkout(), ['rev-parse', 'HEAD']), head);
  });
});
