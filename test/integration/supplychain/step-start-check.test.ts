/**
 * buildStepStartCheck as main.ts builds it, against docker-registry over TLS: the registry CA
 * file, the platform and the layer limit reach the client and the contract loader; a signed
 * image passes with its verification recorded and its inputs validated (defaults filled in).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Agent, fetch as undiciFetch } from 'undici';
import type { StepStartResult } from '../../../src/backends/jobs/step-start-check.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import {
  buildStepStartCheck,
  type SupplyChainConfig,
} from '../../../src/supplychain/build-step-start-check.ts';
import {
  DEV_CERTIFICATE,
  DEV_PRIVATE_KEY,
} from '../../../wrangler-free-local/apiserver/dev-certificate.ts';
import { writeLocalImagePolicy } from '../../../wrangler-free-local/signing/local-image-policy.ts';
import {
  loadOrCreateSigningKey,
  type LocalSigningKey,
} from '../../../wrangler-free-local/signing/local-signing-key.ts';
import { cosignStatement } from '../../../wrangler-free-local/signing/sign-image.ts';
import { scaleAttempt } from '../../fixtures/scale-attempt.ts';
import { pushBundleReferrer, signDsseBundle } from '../../fixtures/cosign-signing.ts';
import {
  dockerRegistryMissing,
  startDockerRegistry,
  type DockerRegistry,
} from '../../fixtures/docker-registry.ts';
import {
  CONTRACT_YAML,
  RegistryPusher,
  buildActionImage,
  buildImage,
  buildLayer,
} from '../../fixtures/oci-image.ts';

const missing = dockerRegistryMissing();
const REPOSITORY = 'kubernaut/actions/test/scale';

const INPUTS = { namespace: 'default', deployment: 'web' };

describe('the step-start check built from the configuration', { skip: missing }, () => {
  let dir: string;
  let registry: DockerRegistry;
  let key: LocalSigningKey;
  let config: SupplyChainConfig;
  const images: Record<'plain' | 'arm' | 'bigLayer', string> = { plain: '', arm: '', bigLayer: '' };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubernaut-check-'));
    registry = await startDockerRegistry({
      tls: { certificate: DEV_CERTIFICATE, key: DEV_PRIVATE_KEY },
    });
    const agent = new Agent({ connect: { ca: DEV_CERTIFICATE } });
    const pusher = new RegistryPusher(registry.url, {
      fetch: ((input: string | URL, init?: RequestInit) =>
        undiciFetch(input, { ...init, dispatcher: agent } as never)) as unknown as typeof fetch,
    });
    key = await loadOrCreateSigningKey(dir);
    const sign = async (digest: string, size: number) => {
      const bundle = signDsseBundle({
        ...key,
        statement: cosignStatement(digest, `${registry.host}/${REPOSITORY}`),
      });
      await pushBundleReferrer(pusher, REPOSITORY, digest, size, [bundle]);
      return `${registry.host}/${REPOSITORY}@${digest}`;
    };
    const plain = await buildActionImage({ contract: CONTRACT_YAML });
    images.plain = await sign(await pusher.pushImage(REPOSITORY, plain), plain.manifest.size);
    const arm = await buildActionImage({
      contract: CONTRACT_YAML.replace('1.0.0', '1.0.1'),
      platform: { os: 'linux', architecture: 'arm64' },
    });
    const index = await pusher.pushIndex(REPOSITORY, [
      { image: arm, platform: { os: 'linux', architecture: 'arm64' } },
    ]);
    images.arm = await sign(index, 0);
    const big = buildImage({
      layers: [
        await buildLayer([
          { path: '/action-contract.yaml', content: CONTRACT_YAML.replace('1.0.0', '1.0.2') },
        ]),
        await buildLayer([{ path: '/filler', content: Buffer.alloc(64 * 1024, 1) }], 'none'),
      ],
    });
    images.bigLayer = await sign(await pusher.pushImage(REPOSITORY, big), big.manifest.size);
    await agent.close();
    const caFile = join(dir, 'registry-ca.pem');
    await writeFile(caFile, DEV_CERTIFICATE);
    config = {
      policyFile: await writeLocalImagePolicy(dir, registry.host, key.publicKeyPath),
      insecureRegistries: [],
      cacheTtlMs: 60_000,
      registryCaFile: caFile,
      maxLayerBytes: 32 * 1024,
    };
  });
  after(async () => {
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const check = async (overrides: Partial<SupplyChainConfig>, image: string) => {
    const parts = await buildStepStartCheck({ ...config, ...overrides }, createLogger('silent'));
    try {
      return await parts.check.check(scaleAttempt(image, INPUTS)).catch((error: unknown) => error);
    } finally {
      await parts.close();
    }
  };
  const failure = (result: unknown) =>
    result instanceof Error
      ? `threw ${result.message}`
      : (result as StepStartResult).ok
        ? 'passed'
        : (result as { reason: string }).reason;

  it('passes a signed image through the CA, recording the verification and the validated inputs', async () => {
    const result = (await check({}, images.plain)) as StepStartResult;
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.verification.verified, true);
    assert.equal(result.verification.scheme, 'sigstore-bundle');
    assert.equal(result.verification.policyRule, 'local-actions');
    assert.match(result.verification.contractDigest ?? '', /^sha256:[a-f0-9]{64}$/);
    assert.deepEqual(result.inputs, { ...INPUTS, replicas: 1 });
  });

  it('without the CA file the registry is never trusted, so nothing passes', async () => {
    const result = await check({ registryCaFile: undefined }, images.plain);
    // The TLS handshake fails, and plain HTTP to the TLS port is answered 400: an error, no pass.
    assert.match(failure(result), /^threw .*HTTP 400/);
  });

  it('reads the contract of the configured platform', async () => {
    const arm = (await check({ platform: 'linux/arm64' }, images.arm)) as StepStartResult;
    assert.ok(arm.ok, JSON.stringify(arm));
    const amd = (await check({}, images.arm)) as StepStartResult;
    assert.ok(!amd.ok);
    assert.equal(amd.reason, 'ContractNotFound');
    assert.match(amd.message, /index has no linux\/amd64 image \(it has: linux\/arm64\)/);
  });

  it('refuses a layer over the configured limit', async () => {
    const result = (await check({}, images.bigLayer)) as StepStartResult;
    assert.ok(!result.ok);
    assert.equal(result.reason, 'ContractNotFound');
    assert.match(result.message, /over the limit of 32768/);
    const roomier = (await check(
      { maxLayerBytes: 1024 * 1024 },
      images.bigLayer,
    )) as StepStartResult;
    assert.ok(roomier.ok, JSON.stringify(roomier));
  });

  it('names the variable when the CA file cannot be read', async () => {
    await assert.rejects(
      buildStepStartCheck(
        { ...config, registryCaFile: join(dir, 'missing.pem') },
        createLogger('silent'),
      ),
      /KUBERNAUT_REGISTRY_CA_FILE: cannot read .*missing\.pem/,
    );
  });
});
