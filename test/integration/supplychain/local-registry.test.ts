/** The local registry of `npm start` with the catalog's action images, read by the real client. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RegistryClient } from '../../../src/supplychain/oci/registry-client.ts';
import { parseImageReference } from '../../../src/supplychain/oci/image-reference.ts';
import { sha256Digest } from '../../../src/supplychain/oci/digest.ts';
import { ContractLoader } from '../../../src/supplychain/contract/contract-loader.ts';
import {
  startLocalRegistry,
  type LocalRegistry,
} from '../../../wrangler-free-local/registry/local-registry.ts';
import {
  ACTION_CATALOG_DIR,
  findCatalogActions,
  publishActionImages,
} from '../../../wrangler-free-local/action-images.ts';
import { ImageCatalog } from '../../../wrangler-free-local/cluster/image-catalog.ts';
import { CONTRACT_YAML, RegistryPusher, blobOf } from '../../fixtures/oci-image.ts';

const BUNDLE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

describe('local registry with the action images', () => {
  let registry: LocalRegistry;
  let client: RegistryClient;
  let catalogDir: string;

  before(async () => {
    registry = await startLocalRegistry();
    client = new RegistryClient({ retries: 0 });
    catalogDir = await mkdtemp(join(tmpdir(), 'catalog-'));
    for (const type of ['kubernetes/scale_deployment', 'git/create-pr']) {
      await mkdir(join(catalogDir, type), { recursive: true });
      const contract = CONTRACT_YAML.replace('name: scale-deployment', `name: ${type}`);
      await writeFile(join(catalogDir, type, 'action-contract.yaml'), contract);
    }
    await mkdir(join(catalogDir, 'git', 'not-an-action'), { recursive: true });
  });
  after(async () => {
    await client.close();
    await registry.close();
    await rm(catalogDir, { recursive: true, force: true });
  });

  it('publishes one image per catalog action: contract readable, digest stable, runnable by the kubelet', async () => {
    const catalog = new ImageCatalog();
    const images = await publishActionImages({
      registryHost: registry.host,
      store: registry.store,
      catalog,
      catalogDir,
      runAction: '/run-action.ts',
    });
    assert.deepEqual(
      images.map((image) => image.actionType),
      ['git/create-pr', 'kubernetes/scale_deployment'],
    );
    const loader = new ContractLoader({ client });
    for (const image of images) {
      assert.equal(
        image.image,
        `${registry.host}/kubernaut/actions/${image.actionType}@${image.digest}`,
      );
      const loaded = await loader.load(image.image);
      assert.equal(loaded.contract.metadata.name, image.actionType);
      const file = await readFile(join(catalogDir, image.actionType, 'action-contract.yaml'));
      assert.equal(loaded.contractDigest, sha256Digest(file), 'the catalog file, byte for byte');
      assert.deepEqual(catalog.resolve(image.image)?.executables?.['/action-entrypoint'], [
        process.execPath,
        '/run-action.ts',
        image.actionType,
      ]);
      assert.deepEqual(await client.listTags(parseImageReference(image.image)), ['1.0.0']);
    }
    const again = await publishActionImages({
      registryHost: registry.host,
      store: registry.store,
      catalog: new ImageCatalog(),
      catalogDir,
    });
    assert.deepEqual(
      again.map((image) => image.digest),
      images.map((image) => image.digest),
    );
  });

  it('takes pushes through the HTTP API and lists referrers by artifact type', async () => {
    const pusher = new RegistryPusher(registry.url);
    const [image] = await publishActionImages({
      registryHost: registry.host,
      store: registry.store,
      catalog: new ImageCatalog(),
      catalogDir,
    });
    assert.ok(image);
    const ref = parseImageReference(image.image);
    const subject = await client.getManifest(ref, image.digest);
    const bundle = blobOf(BUNDLE, Buffer.from('{"bundle":true}'));
    const empty = blobOf('application/vnd.oci.empty.v1+json', Buffer.from('{}'));
    await pusher.pushBlob(ref.repository, bundle);
    await pusher.pushBlob(ref.repository, empty);
    const referrer = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType: BUNDLE,
        config: { mediaType: empty.mediaType, digest: empty.digest, size: empty.size },
        layers: [{ mediaType: BUNDLE, digest: bundle.digest, size: bundle.size }],
        subject: {
          mediaType: subject.mediaType,
          digest: subject.digest,
          size: subject.bytes.byteLength,
        },
      }),
    );
    const referrerDigest = await pusher.pushManifest(
      ref.repository,
      sha256Digest(referrer),
      'application/vnd.oci.image.manifest.v1+json',
      referrer,
    );
    assert.deepEqual(await client.getReferrers(ref, image.digest, BUNDLE), {
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: referrerDigest,
          size: referrer.byteLength,
          artifactType: BUNDLE,
        },
      ],
    });
    assert.deepEqual(await client.getReferrers(ref, image.digest, 'application/other'), {
      manifests: [],
    });
    assert.deepEqual(await client.getBlob(ref, bundle.digest), Buffer.from(bundle.bytes));
  });

  it('serves every action of the real catalog with a contract the loader accepts', async () => {
    const types = await findCatalogActions(ACTION_CATALOG_DIR);
    assert.ok(types.length > 0, 'the catalog has actions');
    const images = await publishActionImages({
      registryHost: registry.host,
      store: registry.store,
      catalog: new ImageCatalog(),
    });
    const loader = new ContractLoader({ client });
    const loaded = await Promise.all(images.map((image) => loader.load(image.image)));
    assert.deepEqual(
      loaded.map((item) => item.contract.metadata.name),
      types,
    );
  });
});
