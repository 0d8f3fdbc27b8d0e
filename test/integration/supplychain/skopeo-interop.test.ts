/**
 * Interop with a real tool: an image written as an OCI layout directory is pushed with
 * `skopeo copy oci:… docker://…` into the real registry, and read back with our client.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { RegistryClient } from '../../../src/supplychain/oci/registry-client.ts';
import { parseImageReference } from '../../../src/supplychain/oci/image-reference.ts';
import { ContractLoader } from '../../../src/supplychain/contract/contract-loader.ts';
import {
  dockerRegistryMissing,
  startDockerRegistry,
  type DockerRegistry,
} from '../../fixtures/docker-registry.ts';
import { CONTRACT_YAML, buildActionImage, type BuiltImage } from '../../fixtures/oci-image.ts';

const run = promisify(execFile);

function skopeoMissing(): string | undefined {
  if (spawnSync('skopeo', ['--version']).status === 0) return undefined;
  const why = "skopeo not found; install Debian's skopeo package";
  if (process.env.CI === 'true') throw new Error(`${why}, and CI=true requires it`);
  return why;
}

/** The OCI image layout (image-spec layout.md): oci-layout, index.json, blobs/sha256/<hex>. */
async function writeOciLayout(dir: string, image: BuiltImage, tag: string): Promise<void> {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  for (const blob of [image.manifest, image.config, ...image.layers]) {
    await writeFile(join(dir, 'blobs', 'sha256', blob.digest.slice('sha256:'.length)), blob.bytes);
  }
  const entry = {
    mediaType: image.manifest.mediaType,
    digest: image.manifest.digest,
    size: image.manifest.size,
    annotations: { 'org.opencontainers.image.ref.name': tag },
  };
  await writeFile(
    join(dir, 'index.json'),
    JSON.stringify({ schemaVersion: 2, manifests: [entry] }),
  );
}

const missing = dockerRegistryMissing() ?? skopeoMissing();

describe('skopeo copy into docker-registry, read by our client', { skip: missing }, () => {
  let registry: DockerRegistry;
  let dir: string;
  before(async () => {
    registry = await startDockerRegistry();
    dir = await mkdtemp(join(tmpdir(), 'oci-layout-'));
  });
  after(async () => {
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the contract of an image skopeo pushed, by the tag and by the digest', async () => {
    const image = await buildActionImage({ contract: CONTRACT_YAML, compression: 'zstd' });
    await writeOciLayout(dir, image, 'v1');
    await run(
      'skopeo',
      [
        'copy',
        '--quiet',
        '--dest-tls-verify=false',
        `oci:${dir}:v1`,
        `docker://${registry.host}/kubernaut/skopeo:v1`,
      ],
      { timeout: 60_000 },
    );

    const client = new RegistryClient({ retries: 0 });
    const manifest = await client.getManifest(
      parseImageReference(`${registry.host}/kubernaut/skopeo:v1`),
      'v1',
    );
    assert.equal(manifest.digest, image.manifest.digest, 'skopeo kept the manifest byte for byte');
    const loaded = await new ContractLoader({ client }).load(
      `${registry.host}/kubernaut/skopeo@${manifest.digest}`,
    );
    assert.equal(loaded.contract.metadata.name, 'scale-deployment');
    assert.equal(loaded.layerDigest, image.layers[0]?.digest);
    await client.close();
  });
});
