/**
 * The step-start supply-chain check (issue 5): signature verification against the policy plus
 * the contract read out of the image plus input validation, cold (nothing cached: signature
 * objects, manifest, layer, tar, parse, digest checks) and warm (the verification cache and
 * the contract LRU, both by digest), and 50 distinct images at once; the contract load alone
 * beside it. Images are signed as local mode signs them (a key, a Sigstore bundle referrer).
 * Registries: the in-process local registry of `npm start` (referrers API), and Debian's
 * docker-registry in its own process when installed (no referrers API: the tag fallback).
 * Loopback only, bounded loops.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContractLoader } from '../../src/supplychain/contract/contract-loader.ts';
import { RegistryClient } from '../../src/supplychain/oci/registry-client.ts';
import { loadPolicyFile } from '../../src/supplychain/policy/load-policy.ts';
import { createSupplyChainCheck } from '../../src/supplychain/supply-chain-check.ts';
import { RegistrySignatureSource } from '../../src/supplychain/verify/registry-signature-source.ts';
import { ImageVerifier } from '../../src/supplychain/verify/verify-image.ts';
import { startLocalRegistry } from '../../wrangler-free-local/registry/local-registry.ts';
import { writeLocalImagePolicy } from '../../wrangler-free-local/signing/local-image-policy.ts';
import {
  loadOrCreateSigningKey,
  type LocalSigningKey,
} from '../../wrangler-free-local/signing/local-signing-key.ts';
import { cosignStatement } from '../../wrangler-free-local/signing/sign-image.ts';
import { pushBundleReferrer, signDsseBundle } from '../fixtures/cosign-signing.ts';
import { dockerRegistryMissing, startDockerRegistry } from '../fixtures/docker-registry.ts';
import { CONTRACT_YAML, RegistryPusher, buildActionImage } from '../fixtures/oci-image.ts';
import { scaleAttempt } from '../fixtures/scale-attempt.ts';
import { percentiles, type BenchRow } from './harness.ts';

const COLD_IMAGES = 150;
const CONCURRENT = 50;
const WARM_CALLS = 20_000;
const INPUTS = { namespace: 'default', deployment: 'payment-service', replicas: '3' };

interface BenchRegistry {
  host: string;
  url: string;
  kind: string;
  stop(): Promise<void>;
}

async function startRegistries(): Promise<BenchRegistry[]> {
  const local = await startLocalRegistry();
  const registries: BenchRegistry[] = [
    { ...local, kind: 'in-process local registry', stop: () => local.close() },
  ];
  if (dockerRegistryMissing() === undefined) {
    registries.push({ ...(await startDockerRegistry()), kind: 'docker-registry' });
  }
  return registries;
}

/** Distinct signed action images in the local policy's repositories. */
async function pushSignedImages(
  registry: BenchRegistry,
  key: LocalSigningKey,
  count: number,
): Promise<string[]> {
  const pusher = new RegistryPusher(registry.url);
  const images: string[] = [];
  for (let index = 0; index < count; index++) {
    const contract = CONTRACT_YAML.replace('version: 1.0.0', `version: 1.0.${index}`);
    const built = await buildActionImage({ contract });
    const repository = `kubernaut/actions/bench/action-${index % 10}`;
    const digest = await pusher.pushImage(repository, built);
    const bundle = signDsseBundle({
      ...key,
      statement: cosignStatement(digest, `${registry.host}/${repository}`),
    });
    await pushBundleReferrer(pusher, repository, digest, built.manifest.size, [bundle]);
    images.push(`${registry.host}/${repository}@${digest}`);
  }
  return images;
}

async function timeEach(
  images: readonly string[],
  run: (image: string) => Promise<unknown>,
): Promise<number[]> {
  const samples: number[] = [];
  for (const image of images) {
    const started = performance.now();
    await run(image);
    samples.push(performance.now() - started);
  }
  return samples;
}

function row(name: string, samples: number[], notes: string): BenchRow {
  return {
    suite: 'supplychain',
    name,
    opsPerSec: (samples.length / samples.reduce((total, sample) => total + sample, 0)) * 1000,
    ...percentiles(samples),
    notes,
  };
}

/** A step-start check as the dispatcher builds it, with fresh (cold) caches. */
function newCheck(policyFile: string, client: RegistryClient) {
  const verifier = new ImageVerifier({
    policy: loadPolicyFile(policyFile),
    source: new RegistrySignatureSource(client),
  });
  const contracts = new ContractLoader({ client });
  const check = createSupplyChainCheck({ verifier, contracts, logger: { warn: () => undefined } });
  return async (image: string) => {
    const result = await check.check(scaleAttempt(image, INPUTS));
    if (!result.ok) throw new Error(`${image}: ${result.reason}: ${result.message}`);
    return result;
  };
}

async function benchOn(
  registry: BenchRegistry,
  key: LocalSigningKey,
  dir: string,
  warm: boolean,
): Promise<BenchRow[]> {
  const client = new RegistryClient({ retries: 0 });
  try {
    const images = await pushSignedImages(registry, key, COLD_IMAGES + CONCURRENT);
    const policyFile = await writeLocalImagePolicy(dir, registry.host, key.publicKeyPath);
    const cold = images.slice(0, COLD_IMAGES);
    const concurrent = images.slice(COLD_IMAGES);
    // One check first, so that the connection and the loopback scheme probe are set up as in
    // a running dispatcher; every image after it is new to the caches.
    const check = newCheck(policyFile, client);
    await check(cold[0] ?? '');
    const coldSamples = await timeEach(cold.slice(1), check);
    const loader = new ContractLoader({ client });
    await loader.load(cold[0] ?? '');
    const contractSamples = await timeEach(cold.slice(1), (image) => loader.load(image));
    const rows = [
      row(
        `verify + contract + inputs, cold (${String(coldSamples.length)} images)`,
        coldSamples,
        `target p99 <= 50 ms; ${registry.kind}`,
      ),
      row(
        `contract load alone, cold (${String(contractSamples.length)} images)`,
        contractSamples,
        registry.kind,
      ),
    ];
    if (warm) {
      const warmSamples = await timeEach(
        Array.from({ length: WARM_CALLS }, (_, index) => cold[index % cold.length] ?? ''),
        check,
      );
      rows.push(
        row(
          `verify + contract + inputs, warm (${String(WARM_CALLS)} calls)`,
          warmSamples,
          'target <= 0.1 ms; verification cache + contract LRU',
        ),
      );
    }
    const burstCheck = newCheck(policyFile, client);
    await burstCheck(cold[0] ?? '');
    const burstSamples: number[] = [];
    const burstStarted = performance.now();
    await Promise.all(
      concurrent.map(async (image) => {
        const started = performance.now();
        await burstCheck(image);
        burstSamples.push(performance.now() - started);
      }),
    );
    const burstMs = performance.now() - burstStarted;
    rows.push({
      ...row(
        `${String(CONCURRENT)} distinct images verified at once`,
        burstSamples,
        `all done in ${burstMs.toFixed(1)} ms; ${registry.kind}`,
      ),
      opsPerSec: (CONCURRENT / burstMs) * 1000,
    });
    return rows;
  } finally {
    await client.close();
  }
}

export async function benchSupplyChain(): Promise<BenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'kubernaut-bench-supplychain-'));
  const registries = await startRegistries();
  try {
    const key = await loadOrCreateSigningKey(dir);
    const rows: BenchRow[] = [];
    for (const [index, registry] of registries.entries()) {
      rows.push(...(await benchOn(registry, key, dir, index === 0)));
    }
    return rows;
  } finally {
    await Promise.all(registries.map((registry) => registry.stop()));
    await rm(dir, { recursive: true, force: true });
  }
}
