// The real kubectl against the embedded API server: what an operator does by hand.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  startApiServer,
  writeKubeconfig,
  type ApiServer,
} from '../../../wrangler-free-local/apiserver/index.ts';

const CRD_DIR = join(import.meta.dirname, '../../../manifests/crds');
const KUBECTL = process.env['KUBECTL'] ?? 'kubectl';
const kubectlFound = spawnSync(KUBECTL, ['version', '--client'], { encoding: 'utf8' }).status === 0;
const IN_CI = process.env['CI'] === 'true';
const SKIP_REASON =
  kubectlFound || IN_CI
    ? false
    : `kubectl not found (tried "${KUBECTL}"); install it or set KUBECTL`;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

const DIGEST = `sha256:${'b'.repeat(64)}`;

function renderWorkflowExecution(
  name: string,
  image = `ghcr.io/kubernaut/scale@${DIGEST}`,
): string {
  return `apiVersion: kubernaut.ai/v1alpha1
kind: WorkflowExecution
metadata:
  name: ${name}
spec:
  workflowType: oom-remediation
  target: default/Deployment/web
  steps:
    - name: scale-up
      actionType: kubernetes/scale_deployment
      image: ${image}
      inputs:
        replicas: 3
`;
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
`;

describe('kubectl against the embedded API server', { skip: SKIP_REASON }, () => {
  let server: ApiServer;
  let dir: string;
  let baseArgs: string[];

  /** Runs kubectl to completion; `input` goes to stdin. */
  function kubectl(args: string[], input?: string): Promise<Result> {
    return new Promise((resolve, reject) => {
      const child = spawn(KUBECTL, [...baseArgs, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => {
        resolve({ code, stdout, stderr });
      });
      child.stdin.end(input);
    });
  }

  async function kubectlOk(args: string[], input?: string): Promise<string> {
    const r = await kubectl(args, input);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  }

  before(async () => {
    if (!kubectlFound) assert.fail(`CI=true but kubectl was not found (tried "${KUBECTL}")`);
    server = await startApiServer({ tokens: ['e2e-token'] });
    dir = await mkdtemp(join(tmpdir(), 'kubectl-e2e-'));
    await writeKubeconfig(join(dir, 'kubeconfig'), server);
    baseArgs = [
      '--kubeconfig',
      join(dir, 'kubeconfig'),
      '--cache-dir',
      join(dir, 'cache'),
      '--request-timeout',
      '10s',
    ];
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('applies the project CRDs and serves their short names', async () => {
    const out = await kubectlOk(['apply', '-f', CRD_DIR]);
    assert.match(
      out,
      /customresourcedefinition.apiextensions.k8s.io\/workflowexecutions.kubernaut.ai created/,
    );
    const resources = await kubectlOk(['api-resources', '--api-group=kubernaut.ai']);
    assert.match(
      resources,
      /workflowexecutions\s+wfe\s+kubernaut.ai\/v1alpha1\s+true\s+WorkflowExecution/,
    );
  });

  it('applies a WorkflowExecution and lists it with its printer columns', async () => {
    assert.match(
      await kubectlOk(['apply', '-f', '-'], renderWorkflowExecution('run-1')),
      /workflowexecution.kubernaut.ai\/run-1 created/,
    );
    const table = await kubectlOk(['get', 'wfe']);
    assert.match(table, /^NAME\s+PHASE\s+PROGRESS\s+BACKEND\s+AGE\n/);
    assert.match(table, /\nrun-1\s+\S+s\n/);
    assert.match(
      await kubectlOk(['get', 'wfe', '-o', 'wide']),
      /WORKFLOW\s+TARGET[\s\S]*oom-remediation\s+default\/Deployment\/web/,
    );
  });

  it('describes a WorkflowExecution', async () => {
    const out = await kubectlOk(['describe', 'wfe', 'run-1']);
    assert.match(out, /Name:\s+run-1/);
    assert.match(out, /Workflow Type:\s+oom-remediation/);
    assert.match(out, /Events:\s+<none>/);
  });

  it('describes the events.k8s.io/v1 Events recorded about an object', async () => {
    const uid = await kubectlOk(['get', 'wfe', 'run-1', '-o', 'jsonpath={.metadata.uid}']);
    const event = `apiVersion: events.k8s.io/v1
kind: Event
metadata:
  name: run-1.verified
eventTime: "2026-01-01T00:00:00.000000Z"
reportingController: kubernaut.ai/dispatcher
reportingInstance: replica-1
action: Verify
reason: ImageVerified
note: every step image is signed
type: Normal
regarding: {apiVersion: kubernaut.ai/v1alpha1, kind: WorkflowExecution, name: run-1, namespace: default, uid: ${uid}}
`;
    await kubectlOk(['create', '-f', '-'], event);
    const out = await kubectlOk(['describe', 'wfe', 'run-1']);
    assert.match(
      out,
      /Normal\s+ImageVerified\s+\S+\s+kubernaut.ai\/dispatcher\s+every step image is signed/,
    );
  });

  it('patches the spec (merge) and the status subresource', async () => {
    await kubectlOk(['patch', 'wfe', 'run-1', '--type=merge', '-p', '{"spec":{"dryRun":true}}']);
    await kubectlOk([
      'patch',
      'wfe',
      'run-1',
      '--subresource=status',
      '--type=merge',
      '-p',
      '{"status":{"phase":"Running","progress":"0/1","backend":{"name":"jobs"}}}',
    ]);
    const out = await kubectlOk([
      'get',
      'wfe',
      'run-1',
      '-o',
      'jsonpath={.metadata.generation} {.spec.dryRun} {.status.phase}',
    ]);
    assert.equal(out, '2 true Running');
    assert.match(await kubectlOk(['get', 'wfe', 'run-1']), /run-1\s+Running\s+0\/1\s+jobs\s+/);
  });

  it('watches with get -w and sees a status update', async () => {
    const child = spawn(
      KUBECTL,
      [...baseArgs, 'get', 'wfe', 'run-1', '-w', '--output-watch-events'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    const sawUpdate = new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('run-1') && !out.includes('Succeeded')) {
          void kubectl([
            'patch',
            'wfe',
            'run-1',
            '--subresource=status',
            '--type=merge',
            '-p',
            '{"status":{"phase":"Succeeded","progress":"1/1"}}',
          ]);
        }
        if (/MODIFIED\s+run-1\s+Succeeded\s+1\/1/.test(out)) resolve();
      });
    });
    await sawUpdate;
    child.kill();
    assert.match(out, /EVENT\s+NAME\s+PHASE/);
  });

  it('waits for a jsonpath condition', async () => {
    await kubectlOk(['apply', '-f', '-'], renderWorkflowExecution('run-2'));
    const waiting = kubectl([
      'wait',
      '--for=jsonpath={.status.phase}=Failed',
      'wfe/run-2',
      '--timeout=10s',
    ]);
    await kubectlOk([
      'patch',
      'wfe',
      'run-2',
      '--subresource=status',
      '--type=merge',
      '-p',
      '{"status":{"phase":"Failed"}}',
    ]);
    const r = await waiting;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /workflowexecution.kubernaut.ai\/run-2 condition met/);
  });

  it('scales a deployment through the scale subresource', async () => {
    await kubectlOk(['apply', '-f', '-'], DEPLOYMENT);
    assert.match(
      await kubectlOk(['scale', 'deployment', 'web', '--replicas=4']),
      /deployment.apps\/web scaled/,
    );
    assert.equal(await kubectlOk(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}']), '4');
  });

  it('deletes a WorkflowExecution and the objects it owns', async () => {
    const uid = await kubectlOk(['get', 'wfe', 'run-1', '-o', 'jsonpath={.metadata.uid}']);
    const child = `apiVersion: v1
kind: ConfigMap
metadata:
  name: run-1-outputs
  ownerReferences:
    - {apiVersion: kubernaut.ai/v1alpha1, kind: WorkflowExecution, name: run-1, uid: ${uid}, controller: true}
data: {k: v}
`;
    await kubectlOk(['apply', '-f', '-'], child);
    assert.match(
      await kubectlOk(['delete', 'wfe', 'run-1']),
      /workflowexecution.kubernaut.ai "run-1" deleted/,
    );
    await kubectlOk(['wait', '--for=delete', 'configmap/run-1-outputs', '--timeout=10s']);
    const gone = await kubectl(['get', 'configmap', 'run-1-outputs']);
    assert.notEqual(gone.code, 0);
  });

  it('reports a 422 for an invalid WorkflowExecution with field paths', async () => {
    const invalid = renderWorkflowExecution('bad', '').replace('      image: \n', '');
    const r = await kubectl(['apply', '-f', '-'], invalid);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /The WorkflowExecution "bad" is invalid/);
    assert.match(r.stderr, /spec.steps\[0\].image: Required value/);
  });

  it('creates objects with the generators, which send protobuf', async () => {
    assert.match(await kubectlOk(['create', 'namespace', 'team-x']), /namespace\/team-x created/);
    await kubectlOk([
      '-n',
      'team-x',
      'create',
      'configmap',
      'settings',
      '--from-literal=mode=fast',
    ]);
    await kubectlOk([
      '-n',
      'team-x',
      'create',
      'secret',
      'generic',
      'creds',
      '--from-literal=token=abc',
    ]);
    await kubectlOk([
      '-n',
      'team-x',
      'create',
      'job',
      'once',
      '--image=busybox:1',
      '--',
      'echo',
      'hi',
    ]);
    await kubectlOk([
      '-n',
      'team-x',
      'run',
      'probe',
      '--image=busybox:1',
      '--restart=Never',
      '--labels=app=probe',
    ]);
    assert.equal(
      await kubectlOk([
        '-n',
        'team-x',
        'get',
        'configmap',
        'settings',
        '-o',
        'jsonpath={.data.mode}',
      ]),
      'fast',
    );
    assert.equal(
      await kubectlOk(['-n', 'team-x', 'get', 'secret', 'creds', '-o', 'jsonpath={.data.token}']),
      Buffer.from('abc').toString('base64'),
    );
    assert.equal(
      await kubectlOk([
        '-n',
        'team-x',
        'get',
        'job',
        'once',
        '-o',
        'jsonpath={.spec.template.spec.containers[0].command}',
      ]),
      '["echo","hi"]',
    );
    assert.match(
      await kubectlOk(['-n', 'team-x', 'get', 'pods', '-l', 'app=probe']),
      /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\nprobe\s+0\/1\s+Pending\s+0\s+/,
    );
  });

  it('reports NotFound for a missing object', async () => {
    const r = await kubectl(['get', 'wfe', 'nope']);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr.trim(),
      'Error from server (NotFound): workflowexecutions.kubernaut.ai "nope" not found',
    );
  });
});
