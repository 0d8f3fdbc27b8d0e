/** The registry client against the real CNCF Distribution registry (Debian's docker-registry). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RegistryClient } from '../../../src/supplychain/oci/registry-client.ts';
import { parseImageReference } from '../../../src/supplychain/oci/image-reference.ts';
import { isRegistryError } from '../../../src/supplychain/oci/registry-error.ts';
import { sha256Digest } from '../../../src/supplychain/oci/digest.ts';
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

describe('RegistryClient against docker-registry', { skip: missing }, () => {
  let registry: DockerRegistry;
  let pusher: RegistryPusher;
  let client: RegistryClient;

  before(async () => {
    registry = await startDockerRegistry();
    pusher = new RegistryPusher(registry.url);
    client = new RegistryClient({ retries: 0 });
  });
  after(async () => {
    await client.close();
    await registry.stop();
  });

  it('reads a manifest by tag and by digest, and the blobs it names', async () => {
    const image = await buildActionImage({ contract: CONTRACT_YAML });
    const digest = await pusher.pushImage('kubernaut/scale', image, 'v1');
    const ref = parseImageReference(`${registry.host}/kubernaut/scale:v1`);

    const byTag = await client.getManifest(ref, 'v1');
    assert.equal(byTag.digest, digest);
    assert.equal(byTag.mediaType, 'application/vnd.oci.image.manifest.v1+json');
    assert.deepEqual(Buffer.from(byTag.bytes), Buffer.from(image.manifest.bytes));

    const byDigest = await client.resolveImageManifest(ref, digest);
    assert.equal(byDigest.manifest.layers[0]?.digest, image.layers[0]?.digest);

    const config = await client.getBlob(ref, image.config.digest);
    assert.equal(sha256Digest(config), image.config.digest);
    assert.deepEqual(await client.listTags(ref), ['v1']);
  });

  it('reads a Docker schema 2 manifest', async () => {
    const layer = await buildLayer([{ path: '/hello', content: 'hi' }]);
    const image = buildImage({ layers: [layer], format: 'docker' });
    const digest = await pusher.pushImage('kubernaut/docker-format', image);
    const ref = parseImageReference(`${registry.host}/kubernaut/docker-format@${digest}`);
    const fetched = await client.resolveImageManifest(ref, digest);
    assert.equal(fetched.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
    assert.equal(fetched.manifest.layers.length, 1);
  });

  it('follows an index to the configured platform, and names the platforms it lacks', async () => {
    const amd64 = await buildActionImage({
      contract: 'amd64',
      platform: { os: 'linux', architecture: 'amd64' },
    });
    const arm64 = await buildActionImage({
      contract: 'arm64',
      platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
    });
    const index = await pusher.pushIndex('kubernaut/multi', [
      { image: arm64, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      { image: amd64, platform: { os: 'linux', architecture: 'amd64' } },
    ]);
    const ref = parseImageReference(`${registry.host}/kubernaut/multi@${index}`);
    assert.equal((await client.resolveImageManifest(ref, index)).digest, amd64.manifest.digest);
    assert.equal(
      (await client.resolveImageManifest(ref, index, { platform: 'linux/arm64' })).digest,
      arm64.manifest.digest,
    );
    const raw = await client.getManifest(ref, index);
    assert.equal(raw.mediaType, 'application/vnd.oci.image.index.v1+json');
    await assert.rejects(
      client.resolveImageManifest(ref, index, { platform: 'linux/s390x' }),
      (error) =>
        isRegistryError(error, 'PLATFORM_NOT_FOUND') &&
        /linux\/s390x/.test(error.message) &&
        /linux\/arm64\/v8, linux\/amd64/.test(error.message),
    );
  });

  it('answers a missing manifest or blob with a code naming the image', async () => {
    const ref = parseImageReference(`${registry.host}/kubernaut/scale`);
    const absent = `sha256:${'0'.repeat(64)}`;
    await assert.rejects(
      client.getManifest(ref, absent),
      (error) =>
        isRegistryError(error, 'MANIFEST_NOT_FOUND') &&
        error.message.startsWith(`${registry.host}/kubernaut/scale@${absent}:`),
    );
    await assert.rejects(client.getBlob(ref, absent), (error) =>
      isRegistryError(error, 'BLOB_NOT_FOUND'),
    );
  });

  it('refuses a blob over the size cap while streaming it', async () => {
    const layer = await buildLayer([{ path: '/big', content: Buffer.alloc(64 * 1024, 7) }], 'none');
    const image = buildImage({ layers: [layer] });
    await pusher.pushImage('kubernaut/big', image);
    const ref = parseImageReference(`${registry.host}/kubernaut/big`);
    await assert.rejects(
      client.getBlob(ref, layer.digest, { maxBytes: 1024 }),
      (error) =>
        isRegistryError(error, 'LAYER_TOO_LARGE') && /over the limit of 1024/.test(error.message),
    );
  });

  it('has no referrers API (distribution 2.8): undefined, so callers use the tag fallback', async () => {
    const image = await buildActionImage({ contract: CONTRACT_YAML });
    const digest = await pusher.pushImage('kubernaut/referrers', image);
    const ref = parseImageReference(`${registry.host}/kubernaut/referrers`);
    assert.equal(
      await client.getReferrers(ref, digest, 'application/vnd.dev.sigstore.bundle.v0.3+json'),
      undefined,
    );
  });
});
