/**
 * The shipped manifests, checked the way an SRE would use them: every YAML file parses,
 * `kubectl kustomize` (the real kubectl) renders both overlays, every rendered object
 * validates against the Kubernetes OpenAPI schema of its kind (kubernetes-models) and applies
 * with `kubectl apply --dry-run=server` on the embedded API server after the CRDs. Then what
 * the Deployment promises: hardening, probes, a grace period above the shutdown timeout,
 * configuration the dispatcher really reads, and an image policy and credentials file that
 * load as mounted. Needs kubectl (it comes with the machine).
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { configSchema } from '../../../src/config.ts';
import { parseCredentialsFile } from '../../../src/auth/credentials-file.ts';
import { loadPolicyFile } from '../../../src/supplychain/policy/load-policy.ts';
import { validateTektonObject } from '../../../src/backends/tekton/validate-tekton.ts';
import {
  startApiServer,
  writeKubeconfig,
  type ApiServer,
} from '../../../wrangler-free-local/apiserver/index.ts';
import { TEKTON_CRD_DIR, PROJECT_CRD_DIR } from '../../../wrangler-free-local/local-cluster.ts';
import { kubectl, kubectlMissing, kubectlResult } from '../../fixtures/kubectl.ts';
import {
  MANIFESTS_DIR,
  OVERLAYS,
  objectOf,
  renderKustomization,
  renderOverlay,
  type KubeDocument,
  type Overlay,
  type Rendered,
} from '../../fixtures/kustomize.ts';

const FIXTURE_CRDS = join(import.meta.dirname, '../../fixtures/crds');
const missing = kubectlMissing();

async function yamlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

async function readCrds(dir: string): Promise<object[]> {
  const files = await yamlFiles(dir);
  return Promise.all(files.map(async (file) => parse(await readFile(file, 'utf8')) as object));
}

type ModelClass = new (data: unknown) => { validate(): void };

/** The kubernetes-models class of a kind, or undefined for kinds it does not know. */
async function modelOf(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  const module = apiVersion.startsWith('monitoring.coreos.com/')
    ? `@kubernetes-models/prometheus-operator/${apiVersion}`
    : `kubernetes-models/${apiVersion}`;
  try {
    const exports = (await import(module)) as Record<string, unknown>;
    return exports[kind] as ModelClass | undefined;
  } catch {
    return undefined;
  }
}

const configMapNamed = (objects: readonly KubeDocument[], prefix: string): KubeDocument => {
  const found = objects.find(
    (object) => object.kind === 'ConfigMap' && object.metadata.name.startsWith(prefix),
  );
  assert.ok(found, `a ConfigMap ${prefix}*`);
  return found;
};

interface Container {
  name: string;
  env?: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  securityContext?: Record<string, unknown>;
  startupProbe?: { httpGet?: { path: string; port: string } };
  livenessProbe?: { httpGet?: { path: string; port: string } };
  readinessProbe?: { httpGet?: { path: string; port: string } };
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  ports?: { name: string; containerPort: number }[];
  volumeMounts?: { name: string; mountPath: string }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
interface PodSpec {
  containers: Container[];
  volumes: { name: string; emptyDir?: object; configMap?: { name: string }; projected?: unknown }[];
  securityContext: Record<string, unknown>;
  terminationGracePeriodSeconds: number;
  serviceAccountName: string;
  topologySpreadConstraints?: unknown[];
}

describe('shipped manifests', { skip: missing }, () => {
  const rendered = new Map<Overlay, Rendered>();
  let server: ApiServer;
  let dir: string;
  let kubeconfig: string;

  before(async () => {
    for (const overlay of OVERLAYS) rendered.set(overlay, await renderOverlay(overlay));
    dir = await mkdtemp(join(tmpdir(), 'kubernaut-manifests-'));
    kubeconfig = join(dir, 'kubeconfig');
    server = await startApiServer({
      tokens: ['manifests-test-token'],
      crds: [...(await readCrds(TEKTON_CRD_DIR)), ...(await readCrds(FIXTURE_CRDS))],
    });
    await writeKubeconfig(kubeconfig, server);
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });
  const objectsOf = (overlay: Overlay): KubeDocument[] => rendered.get(overlay)?.objects ?? [];
  const deploymentOf = (overlay: Overlay): { spec: Record<string, unknown>; pod: PodSpec } => {
    const deployment = objectOf(objectsOf(overlay), 'Deployment', 'kubernaut-dispatcher');
    const spec = deployment.spec as { template: { spec: PodSpec } };
    return { spec: deployment.spec as Record<string, unknown>, pod: spec.template.spec };
  };

  it('every YAML file under manifests/ parses', async () => {
    const files = await yamlFiles(MANIFESTS_DIR);
    assert.ok(files.length > 40, `found ${String(files.length)} files`);
    for (const file of files) {
      for (const document of parseAllDocuments(await readFile(file, 'utf8'))) {
        assert.deepEqual(document.errors, [], relative(MANIFESTS_DIR, file));
      }
    }
  });

  it('both overlays render; only with-tekton holds Tekton objects and rules', () => {
    const tektonIn = (overlay: Overlay) =>
      objectsOf(overlay).filter(
        (object) =>
          object.apiVersion.startsWith('tekton.dev/') ||
          JSON.stringify(object).includes('"tekton.dev"'),
      );
    assert.deepEqual(tektonIn('jobs-only'), []);
    assert.deepEqual(
      tektonIn('with-tekton')
        .map((object) => `${object.kind}/${object.metadata.name}`)
        .sort(),
      ['ClusterRole/kubernaut-dispatcher-tekton', 'Task/kubernaut-action'],
    );
    // The same base otherwise: with-tekton adds exactly the Task, its role and the binding.
    assert.equal(objectsOf('with-tekton').length, objectsOf('jobs-only').length + 3);
    const mode = (overlay: Overlay) =>
      (objectOf(objectsOf(overlay), 'ConfigMap', 'kubernaut-routing').data as { mode: string })
        .mode;
    assert.equal(mode('jobs-only'), 'jobs');
    assert.equal(mode('with-tekton'), 'rules');
  });

  it('every rendered object validates against its Kubernetes schema', async () => {
    const unknownKinds = new Set<string>();
    for (const overlay of OVERLAYS) {
      for (const object of objectsOf(overlay)) {
        if (object.apiVersion === 'tekton.dev/v1') {
          assert.deepEqual(validateTektonObject(object), []);
          continue;
        }
        const Model = await modelOf(object.apiVersion, object.kind);
        if (!Model) {
          unknownKinds.add(`${object.apiVersion} ${object.kind}`);
          continue;
        }
        const where = `${overlay}: ${object.kind}/${object.metadata.name}`;
        assert.doesNotThrow(() => {
          new Model(object).validate();
        }, where);
      }
    }
    assert.deepEqual([...unknownKinds], [], 'every kind has a schema');
    // The validator does reject a wrong shape (a string port), so passing means something.
    const Model = await modelOf('apps/v1', 'Deployment');
    const broken = structuredClone(
      objectOf(objectsOf('jobs-only'), 'Deployment', 'kubernaut-dispatcher'),
    );
    (broken.spec as { replicas: unknown }).replicas = 'three';
    assert.throws(() => {
      if (Model) new Model(broken).validate();
    }, /replicas/);
  });

  it('every overlay applies with --dry-run=server after the CRDs and the namespace', async () => {
    await kubectl(kubeconfig, ['apply', '-f', PROJECT_CRD_DIR]);
    await kubectl(kubeconfig, ['apply', '-f', join(MANIFESTS_DIR, 'base/namespace.yaml')]);
    for (const overlay of OVERLAYS) {
      const file = join(dir, `${overlay}.yaml`);
      await writeFile(file, rendered.get(overlay)?.text ?? '');
      const result = await kubectlResult(kubeconfig, ['apply', '--dry-run=server', '-f', file]);
      assert.equal(result.code, 0, `${overlay}: ${result.stderr}`);
      const applied = result.stdout.split('\n').filter((line) => line.endsWith('(server dry run)'));
      assert.equal(applied.length, objectsOf(overlay).length, result.stdout);
    }
    // Dry run: nothing but the CRDs and the namespace exists afterwards.
    const deployments = await kubectlResult(kubeconfig, [
      'get',
      'deployments',
      '-n',
      'kubernaut-system',
      '-o',
      'name',
    ]);
    assert.equal(deployments.stdout.trim(), '');
  });

  it('the standalone pieces apply too: the example Secret and the ClusterImagePolicy', async () => {
    const secret = await renderKustomization('examples/tokens-secret');
    const file = join(dir, 'secret.yaml');
    await writeFile(file, secret.text);
    const extras = [file, join(MANIFESTS_DIR, 'tekton/cluster-image-policy.yaml')];
    for (const extra of extras) {
      const result = await kubectlResult(kubeconfig, ['apply', '--dry-run=server', '-f', extra]);
      assert.equal(result.code, 0, `${extra}: ${result.stderr}`);
    }
    const credentials = parseCredentialsFile(
      (
        configMapNamed(objectsOf('jobs-only'), 'kubernaut-credentials').data as Record<
          string,
          string
        >
      )['credentials.yaml'] ?? '',
      'credentials.yaml',
    );
    // The example Secret holds exactly the files the credentials name, each a placeholder
    // too short to be accepted (fail closed when deployed unchanged).
    const keys = Object.keys(secret.objects[0]?.data ?? {}).sort();
    assert.deepEqual(
      keys,
      credentials.tokens
        .map((token) => token.tokenFile.replace('/etc/kubernaut/tokens/', ''))
        .sort(),
    );
    for (const value of Object.values((secret.objects[0]?.data ?? {}) as Record<string, string>)) {
      assert.ok(Buffer.from(value, 'base64').length < 16);
    }
  });

  it('the Deployment is hardened, probed and spread', () => {
    for (const overlay of OVERLAYS) {
      const { spec, pod } = deploymentOf(overlay);
      assert.equal(spec.replicas, 3);
      assert.equal(pod.serviceAccountName, 'kubernaut-dispatcher');
      assert.equal(pod.securityContext.runAsNonRoot, true);
      assert.ok(Number(pod.securityContext.runAsUser) > 0);
      assert.deepEqual(pod.securityContext.seccompProfile, { type: 'RuntimeDefault' });
      assert.equal(pod.topologySpreadConstraints?.length, 2);
      const [container] = pod.containers;
      assert.ok(container);
      assert.deepEqual(container.securityContext, {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        privileged: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      assert.equal(container.livenessProbe?.httpGet?.path, '/healthz');
      assert.equal(container.startupProbe?.httpGet?.path, '/healthz');
      assert.equal(container.readinessProbe?.httpGet?.path, '/readyz');
      assert.ok(container.resources?.requests?.cpu && container.resources.limits?.memory);
      // /tmp is the only writable place: an emptyDir.
      const tmp = container.volumeMounts?.find((mount) => mount.mountPath === '/tmp');
      assert.ok(pod.volumes.find((volume) => volume.name === tmp?.name)?.emptyDir);
    }
  });

  it('the grace period outlasts the shutdown timeout plus the preStop pause', () => {
    const { pod } = deploymentOf('jobs-only');
    const container = pod.containers[0];
    const env = new Map(container?.env?.map((entry) => [entry.name, entry]) ?? []);
    const shutdownMs = Number(env.get('SHUTDOWN_TIMEOUT_MS')?.value);
    const preStop = container?.lifecycle?.preStop?.exec?.command ?? [];
    const pauseMs = preStop[0] === 'sleep' ? Number(preStop[1]) * 1000 : 0;
    assert.ok(shutdownMs > 0 && pauseMs > 0);
    assert.ok(pod.terminationGracePeriodSeconds * 1000 > shutdownMs + pauseMs);
  });

  it('sets only configuration the dispatcher reads, valid, with the downward API identity', () => {
    const { pod } = deploymentOf('jobs-only');
    const env = pod.containers[0]?.env ?? [];
    const known = new Set([...Object.keys(configSchema.shape), 'NODE_OPTIONS']);
    assert.deepEqual(
      env.map((entry) => entry.name).filter((name) => !known.has(name)),
      [],
    );
    const fieldPath = (name: string) =>
      env.find((entry) => entry.name === name)?.valueFrom?.fieldRef?.fieldPath;
    assert.equal(fieldPath('POD_NAME'), 'metadata.name');
    assert.equal(fieldPath('POD_NAMESPACE'), 'metadata.namespace');
    const values = Object.fromEntries(
      env.flatMap((entry) => (entry.value === undefined ? [] : [[entry.name, entry.value]])),
    );
    const parsed = configSchema.safeParse({ ...values, POD_NAME: 'p', POD_NAMESPACE: 'n' });
    assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
    const port = pod.containers[0]?.ports?.find((entry) => entry.name === 'http');
    assert.equal(port?.containerPort, parsed.data.PORT);
  });

  it('the image policy and the credentials load as the pod mounts them', async () => {
    const objects = objectsOf('jobs-only');
    const { pod } = deploymentOf('jobs-only');
    const container = pod.containers[0];
    const mountOf = (volume: string) =>
      container?.volumeMounts?.find((mount) => mount.name === volume)?.mountPath ?? '';
    const root = join(dir, 'pod');
    // The projected volume, file by file, as the kubelet lays it out.
    const projected = pod.volumes.find((volume) => volume.name === 'policy')?.projected as {
      sources: { configMap: { name: string; items: { key: string; path: string }[] } }[];
    };
    for (const source of projected.sources) {
      const configMap = objectOf(objects, 'ConfigMap', source.configMap.name);
      for (const item of source.configMap.items) {
        const file = join(root, mountOf('policy'), item.path);
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, (configMap.data as Record<string, string>)[item.key] ?? '');
      }
    }
    const env = new Map(container?.env?.map((entry) => [entry.name, entry.value ?? '']) ?? []);
    const policy = loadPolicyFile(
      join(root, env.get('KUBERNAUT_IMAGE_POLICY') ?? ''),
      join(root, env.get('KUBERNAUT_TRUSTED_ROOT') ?? ''),
    );
    assert.ok(policy.rules.length >= 1);
    // The credentials file sits where the env says, and its secrets under the Secret's mount.
    const credentialsPath = env.get('KUBERNAUT_CREDENTIALS_FILE') ?? '';
    assert.equal(dirname(credentialsPath), mountOf('credentials'));
    const credentials = parseCredentialsFile(
      (configMapNamed(objects, 'kubernaut-credentials').data as Record<string, string>)[
        'credentials.yaml'
      ] ?? '',
      credentialsPath,
    );
    assert.ok(credentials.tokens.some((token) => token.scopes.includes('alerts')));
    for (const token of credentials.tokens) {
      assert.equal(dirname(token.tokenFile), mountOf('tokens'), token.name);
    }
  });

  it('the Service, PDB and NetworkPolicy select the dispatcher pods on its port', () => {
    const objects = objectsOf('jobs-only');
    const { pod, spec } = deploymentOf('jobs-only');
    const labels = (spec.template as { metadata: { labels: Record<string, string> } }).metadata
      .labels;
    const selects = (selector: Record<string, string>) =>
      Object.entries(selector).every(([key, value]) => labels[key] === value);
    const service = objectOf(objects, 'Service', 'kubernaut-dispatcher').spec as {
      selector: Record<string, string>;
      ports: { targetPort: string }[];
    };
    assert.ok(selects(service.selector));
    assert.ok(pod.containers[0]?.ports?.some((port) => port.name === service.ports[0]?.targetPort));
    for (const kind of ['PodDisruptionBudget', 'NetworkPolicy']) {
      const selector = (
        objectOf(objects, kind, 'kubernaut-dispatcher').spec as Record<
          string,
          {
            matchLabels: Record<string, string>;
          }
        >
      )[kind === 'NetworkPolicy' ? 'podSelector' : 'selector'];
      assert.ok(selector && selects(selector.matchLabels), kind);
    }
    const budget = objectOf(objects, 'PodDisruptionBudget', 'kubernaut-dispatcher').spec as {
      maxUnavailable?: number;
    };
    assert.equal(budget.maxUnavailable, 1);
    const policy = objectOf(objects, 'NetworkPolicy', 'kubernaut-dispatcher').spec as {
      policyTypes: string[];
      ingress: { ports: { port: number }[] }[];
    };
    assert.deepEqual(policy.policyTypes, ['Ingress', 'Egress']);
    assert.deepEqual(
      policy.ingress.flatMap((rule) => rule.ports.map((port) => port.port)),
      [pod.containers[0]?.ports?.[0]?.containerPort],
    );
  });

  it('RBAC: no wildcard, no cluster-admin, and a comment above every rule', async () => {
    for (const overlay of OVERLAYS) {
      for (const object of objectsOf(overlay)) {
        if (!object.apiVersion.startsWith('rbac.authorization.k8s.io/')) continue;
        const text = JSON.stringify(object);
        assert.doesNotMatch(text, /"\*"/, `${object.kind}/${object.metadata.name}`);
        assert.doesNotMatch(text, /cluster-admin|"escalate"|"bind"|"impersonate"/);
      }
    }
    for (const file of ['base/rbac.yaml', 'overlays/with-tekton/rbac-tekton.yaml']) {
      const lines = (await readFile(join(MANIFESTS_DIR, file), 'utf8')).split('\n');
      lines.forEach((line, index) => {
        if (!line.trimStart().startsWith('- apiGroups:')) return;
        assert.match(
          lines[index - 1] ?? '',
          /^\s*#/,
          `${file}:${String(index + 1)} has no comment`,
        );
      });
    }
  });
});
