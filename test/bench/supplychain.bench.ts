/**
 * Contract loading (issue 5): cold (nothing cached: manifest, layer stream, tar, parse),
 * warm (the LRU by digest) and 50 distinct images at once. The registry is Debian's
 * docker-registry in its own process when installed (so its CPU is not counted as ours),
 * else the in-process local registry of `npm start`. Loopback only, bounded loops.
 */
import { RegistryClient } from '../../src/supplychain/oci/registry-client.ts';
import { ContractLoader } from '../../src/supplychain/contract/contract-loader.ts';
import { startLocalRegistry } from '../../wrangler-free-local/registry/local-registry.ts';
import { dockerRegistryMissing, startDockerRegistry } from '../fixtures/docker-registry.ts';
import { CONTRACT_YAML, RegistryPusher, buildActionImage } from '../fixtures/oci-image.ts';
import { percentiles, type BenchRow } from './harness.ts';

const COLD_IMAGES = 200;
const CONCURRENT = 50;
const WARM_CALLS = 20_000;

async function startRegistry(): Promise<{
  host: string;
  url: string;
  kind: string;
  stop(): Promise<void>;
}> {
  if (dockerRegistryMissing() === undefined) {
    const registry = await startDockerRegistry();
    return { ...registry, kind: 'docker-registry' };
  }
  const registry = await startLocalRegistry();
  return { ...registry, kind: 'in-process local registry', stop: () => registry.close() };
}

async function timeEach(
  images: readonly string[],
  load: (image: string) => Promise<unknown>,
): Promise<number[]> {
  const samples: number[] = [];
  for (const image of images) {
    const started = performance.now();
    await load(image);
    samples.push(performance.now() - started);
  }
  return samples;
}

export async function benchSupplyChain(): Promise<BenchRow[]> {
  const registry = await startRegistry();
  const client = new RegistryClient({ retries: 0 });
  try {
    const pusher = new RegistryPusher(registry.url);
    const images: string[] = [];
    for (let index = 0; index < COLD_IMAGES + CONCURRENT; index++) {
      const contract = CONTRACT_YAML.replace('version: 1.0.0', `version: 1.0.${index}`);
      const built = await buildActionImage({ contract });
      images.push(
        `${registry.host}/bench/action-${index % 10}@${await pusher.pushImage(`bench/action-${index % 10}`, built)}`,
      );
    }
    const cold = images.slice(0, COLD_IMAGES);
    const concurrent = images.slice(COLD_IMAGES);
    // One load first, so that the connection and the loopback scheme probe are set up as in a
    // running dispatcher; every image after it is new to the loader.
    const loader = new ContractLoader({ client });
    await loader.load(cold[0] ?? '');
    const coldSamples = await timeEach(cold.slice(1), (image) => loader.load(image));
    const warmSamples = await timeEach(
      Array.from({ length: WARM_CALLS }, (_, index) => cold[index % cold.length] ?? ''),
      (image) => loader.load(image),
    );
    const burstLoader = new ContractLoader({ client });
    const burstSamples: number[] = [];
    const burstStarted = performance.now();
    await Promise.all(
      concurrent.map(async (image) => {
        const started = performance.now();
        await burstLoader.load(image);
        burstSamples.push(performance.now() - started);
      }),
    );
    const burstMs = performance.now() - burstStarted;
    const row = (name: string, samples: number[], notes: string): BenchRow => ({
      suite: 'supplychain',
      name,
      opsPerSec: (samples.length / samples.reduce((total, sample) => total + sample, 0)) * 1000,
      ...percentiles(samples),
      notes,
    });
    return [
      row(
        `contract load, cold (${coldSamples.length} distinct images)`,
        coldSamples,
        `target p99 <= 50 ms; ${registry.kind}`,
      ),
      row(
        `contract load, warm (cache by digest, ${WARM_CALLS} calls)`,
        warmSamples,
        'target <= 0.1 ms',
      ),
      {
        ...row(
          `${CONCURRENT} distinct images at once`,
          burstSamples,
          `all loaded in ${burstMs.toFixed(1)} ms`,
        ),
        opsPerSec: (CONCURRENT / burstMs) * 1000,
      },
    ];
  } finally {
    await client.close();
    await registry.stop();
  }
}
