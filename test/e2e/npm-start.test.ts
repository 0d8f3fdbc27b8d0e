/**
 * `npm start` on the embedded default: the dispatcher and the local cluster come up, kubectl
 * works with the written kubeconfig, the CRDs are served, the example run executes a signed
 * local action image through resolve → verify → contract → inputs (an unsigned image and an
 * undeclared input are refused before any Job), and Ctrl-C stops everything.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, createPublicKey } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../fixtures/free-port.ts';
import { kubectl, kubectlMissing } from '../fixtures/kubectl.ts';
import { buildActionImage, CONTRACT_YAML, RegistryPusher } from '../fixtures/oci-image.ts';

const ROOT = join(import.meta.dirname, '../..');

describe('npm start (local mode)', { skip: kubectlMissing() }, () => {
  let dir: string;
  let port: number;
  let child: ReturnType<typeof spawn>;
  let output = '';
  let registryHost: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubernaut-start-'));
    port = await freePort();
    const apiPort = await freePort();
    const registryPort = await freePort();
    registryHost = `127.0.0.1:${String(registryPort)}`;
    const env = {
      PATH: process.env.PATH,
      KUBERNAUT_LOCAL_DIR: dir,
      PORT: String(port),
      KUBE_API_PORT: String(apiPort),
      KUBERNAUT_LOCAL_REGISTRY_PORT: String(registryPort),
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
    // The run scales this Deployment; the example names the default registry port.
    await kubectl(kubeconfig, ['create', 'deployment', 'payment-service', '--image=nginx']);
    const example = (
      await readFile(join(ROOT, 'manifests/examples/single-action.yaml'), 'utf8')
    ).replaceAll('127.0.0.1:5001/', `${registryHost}/`);
    await writeFile(join(dir, 'single-action.yaml'), example);
    await kubectl(kubeconfig, ['apply', '-f', join(dir, 'single-action.yaml')]);
    const { stdout } = await kubectl(kubeconfig, [
      'get',
      'wfe',
      'scale-payment',
      '-o',
      'jsonpath={.spec.steps[0].name}',
    ]);
    assert.equal(stdout, 'scale-deployment');
  });

  it('runs the example on a signed local image: verified, contract loaded, inputs checked', async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    const { stdout } = await kubectl(kubeconfig, [
      'wait',
      '--for=jsonpath={.status.phase}=Succeeded',
      'wfe/scale-payment',
      '--timeout=60s',
    ]);
    assert.match(stdout, /condition met/);
    const replicas = await kubectl(kubeconfig, [
      'get',
      'deployment',
      'payment-service',
      '-o',
      'jsonpath={.spec.replicas}',
    ]);
    assert.equal(replicas.stdout, '10');
    const action = await actionOf(kubeconfig, 'scale-payment');
    const images = JSON.parse(await readFile(join(dir, 'action-images.json'), 'utf8')) as Array<{
      actionType: string;
      digest: string;
    }>;
    const contract = await readFile(
      join(ROOT, 'src/actions/catalog/kubernetes/scale_deployment/action-contract.yaml'),
    );
    assert.deepEqual(action.status.verification, {
      verified: true,
      digest: images.find((image) => image.actionType === 'kubernetes/scale_deployment')?.digest,
      scheme: 'sigstore-bundle',
      signer: keyFingerprint(await readFile(join(dir, 'signing-key.pub'), 'utf8')),
      policyRule: 'local-actions',
      contractDigest: `sha256:${createHash('sha256').update(contract).digest('hex')}`,
    });
    assert.deepEqual(action.status.outputs, { previousReplicas: 1, replicas: 10 });
    const { stdout: story } = await kubectl(kubeconfig, ['describe', 'wfe', 'scale-payment']);
    assert.match(story, /StepStarted\s+.*step scale-deployment attempt 1 started/);
  });

  it('keeps the signing key private and writes the policy that enforces it', async () => {
    assert.equal((await stat(join(dir, 'signing-key.pem'))).mode & 0o777, 0o600);
    const policy = await readFile(join(dir, 'image-policy.yaml'), 'utf8');
    assert.match(policy, /defaultAction: reject/);
    assert.ok(policy.includes(`${registryHost}/kubernaut/actions/**`), policy);
  });

  it('an unsigned image in the local registry fails SignatureVerificationFailed, no Job', async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    const pusher = new RegistryPusher(`http://${registryHost}`);
    const digest = await pusher.pushImage(
      'kubernaut/actions/test/unsigned',
      await buildActionImage({ contract: CONTRACT_YAML }),
    );
    await applyRun(
      kubeconfig,
      'unsigned',
      `${registryHost}/kubernaut/actions/test/unsigned@${digest}`,
      {
        replicas: 2,
      },
    );
    const step = await failedStep(kubeconfig, 'unsigned');
    assert.equal(step.reason, 'SignatureVerificationFailed');
    assert.match(step.message, /rule local-actions.*NO_SIGNATURE/);
    assert.equal(await jobCount(kubeconfig, 'unsigned'), 0);
  });

  it('an undeclared input fails InvalidInputs naming it, no Job', async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    const images = JSON.parse(await readFile(join(dir, 'action-images.json'), 'utf8')) as Array<{
      actionType: string;
      image: string;
    }>;
    const scale = images.find((image) => image.actionType === 'kubernetes/scale_deployment');
    await applyRun(kubeconfig, 'undeclared', scale?.image ?? '', {
      namespace: 'default',
      deployment: 'payment-service',
      replicas: 3,
      force: true,
    });
    const step = await failedStep(kubeconfig, 'undeclared');
    assert.equal(step.reason, 'InvalidInputs');
    assert.match(
      step.message,
      /inputs\.force: is not an input of the contract of kubernetes\/scale_deployment/,
    );
    assert.equal(await jobCount(kubeconfig, 'undeclared'), 0);
  });

  it('serves Prometheus metrics', async () => {
    const text = await (await fetch(`http://127.0.0.1:${String(port)}/metrics`)).text();
    assert.match(text, /kubernaut_runs_finished_total\{result="Succeeded",backend="jobs"\} 1/);
    assert.match(text, /kubernaut_runs_finished_total\{result="Failed",backend="jobs"\} 2/);
    assert.match(
      text,
      /kubernaut_image_verifications_total\{result="SignatureVerificationFailed"\} 1/,
    );
    assert.match(text, /kubernaut_image_verifications_total\{result="InvalidInputs"\} 1/);
  });

  it('remediates a KubePodCrashLooping alert with the default template, end to end', async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    const { stdout: templates } = await kubectl(kubeconfig, ['get', 'rt', '-o', 'name']);
    assert.match(templates, /kube-pod-crash-looping/);
    // `kubectl create deployment` labels its pods app=<name>.
    const { stdout: pod } = await kubectl(kubeconfig, [
      'get',
      'pods',
      '-l',
      'app=payment-service',
      '-o',
      'jsonpath={.items[0].metadata.name}',
    ]);
    assert.ok(pod);
    const response = await fetch(`http://127.0.0.1:${String(port)}/api/v1/webhooks/alertmanager`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer local-token-for-the-test',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        version: '4',
        status: 'firing',
        receiver: 'kubernaut',
        alerts: [
          {
            status: 'firing',
            labels: {
              alertname: 'KubePodCrashLooping',
              namespace: 'default',
              pod,
              container: 'nginx',
              severity: 'warning',
            },
            annotations: { summary: 'Pod is crash looping.' },
            startsAt: new Date().toISOString(),
            endsAt: '0001-01-01T00:00:00Z',
          },
        ],
      }),
    });
    const summary = (await response.json()) as { alerts: { result: string; run?: string }[] };
    assert.equal(response.status, 200, JSON.stringify(summary));
    const run = summary.alerts.find((alert) => alert.result === 'created')?.run;
    assert.ok(run, JSON.stringify(summary));
    await kubectl(
      kubeconfig,
      ['wait', '--for=jsonpath={.status.phase}=Succeeded', `wfe/${run}`, '--timeout=150s'],
      160_000,
    );
    const { stdout: restartedAt } = await kubectl(kubeconfig, [
      'get',
      'deployment',
      'payment-service',
      '-o',
      'jsonpath={.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}',
    ]);
    assert.ok(restartedAt, 'the rollout restart reached the Deployment');
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

interface ActionExecutionJson {
  spec: { workflowRef: { name: string } };
  status: { verification?: unknown; outputs?: unknown };
}

async function actionOf(kubeconfig: string, run: string): Promise<ActionExecutionJson> {
  const { stdout } = await kubectl(kubeconfig, ['get', 'ae', '-o', 'json']);
  const actions = (JSON.parse(stdout) as { items: ActionExecutionJson[] }).items;
  const action = actions.find((item) => item.spec.workflowRef.name === run);
  assert.ok(action, `no ActionExecution of ${run}`);
  return action;
}

/** cosign's and the policy's key fingerprint: sha256 of the SubjectPublicKeyInfo. */
function keyFingerprint(pem: string): string {
  const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(der).digest('hex')}`;
}

async function applyRun(
  kubeconfig: string,
  name: string,
  image: string,
  inputs: Record<string, unknown>,
): Promise<void> {
  const run = {
    apiVersion: 'kubernaut.ai/v1alpha1',
    kind: 'WorkflowExecution',
    metadata: { name, namespace: 'default' },
    spec: {
      workflowType: 'scale-out',
      steps: [{ name: 'scale', actionType: 'kubernetes/scale_deployment', image, inputs }],
    },
  };
  const file = join(tmpdir(), `kubernaut-run-${name}-${String(process.pid)}.json`);
  await writeFile(file, JSON.stringify(run));
  try {
    await kubectl(kubeconfig, ['apply', '-f', file]);
  } finally {
    await rm(file, { force: true });
  }
}

async function failedStep(
  kubeconfig: string,
  run: string,
): Promise<{ reason: string; message: string }> {
  await kubectl(kubeconfig, [
    'wait',
    '--for=jsonpath={.status.phase}=Failed',
    `wfe/${run}`,
    '--timeout=60s',
  ]);
  const { stdout } = await kubectl(kubeconfig, ['get', 'wfe', run, '-o', 'json']);
  const step = (
    JSON.parse(stdout) as { status: { steps: Array<{ reason?: string; message?: string }> } }
  ).status.steps[0];
  return { reason: step?.reason ?? '', message: step?.message ?? '' };
}

async function jobCount(kubeconfig: string, run: string): Promise<number> {
  const { stdout: uid } = await kubectl(kubeconfig, [
    'get',
    'wfe',
    run,
    '-o',
    'jsonpath={.metadata.uid}',
  ]);
  const { stdout } = await kubectl(kubeconfig, [
    'get',
    'jobs',
    '-l',
    `kubernaut.ai/run-uid=${uid}`,
    '-o',
    'name',
  ]);
  return stdout.split('\n').filter(Boolean).length;
}
