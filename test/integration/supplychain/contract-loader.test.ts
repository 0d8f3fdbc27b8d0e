/**
 * Contracts read out of real images in the real registry: layers, compressions, whiteouts,
 * limits; each case both ways a layer is read (whole and parsed from memory, or streamed).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { RegistryClient } from '../../../src/supplychain/oci/registry-client.ts';
import { isRegistryError } from '../../../src/supplychain/oci/registry-error.ts';
import { sha256Digest } from '../../../src/supplychain/oci/digest.ts';
import { ContractLoader } from '../../../src/supplychain/contract/contract-loader.ts';
import { isContractError } from '../../../src/supplychain/contract/contract-error.ts';
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
  type BuiltImage,
  type ImageFile,
} from '../../fixtures/oci-image.ts';

const missing = dockerRegistryMissing();

const READS = [
  ['layers read whole', {}],
  ['layers streamed', { wholeLayerBytes: 0 }],
] as const;

for (const [read, options] of READS)
  describe(`ContractLoader against docker-registry, ${read}`, { skip: missing }, () => {
    let registry: DockerRegistry;
    let pusher: RegistryPusher;
    let client: RegistryClient;
    let loader: ContractLoader;
    let count = 0;

    const push = async (image: BuiltImage): Promise<string> => {
      const repository = `kubernaut/contract-${count++}`;
      const digest = await pusher.pushImage(repository, image);
      return `${registry.host}/${repository}@${digest}`;
    };
    const imageOf = async (...layers: ImageFile[][]): Promise<string> =>
      push(buildImage({ layers: await Promise.all(layers.map((files) => buildLayer(files))) }));

    before(async () => {
      registry = await startDockerRegistry();
      pusher = new RegistryPusher(registry.url);
      client = new RegistryClient({ retries: 0 });
      loader = new ContractLoader({ ...options, client, maxLayerBytes: 1024 * 1024 });
    });
    after(async () => {
      await client.close();
      await registry.stop();
    });

    for (const compression of ['gzip', 'zstd', 'none'] as const) {
      it(`reads the contract from a ${compression} layer, with its digests`, async () => {
        const built = await buildActionImage({ contract: CONTRACT_YAML, compression });
        const image = await push(built);
        const loaded = await loader.load(image);
        assert.equal(loaded.contract.metadata.name, 'scale-deployment');
        assert.deepEqual(
          loaded.contract.spec.inputs.map((input) => [input.name, input.type, input.required]),
          [
            ['namespace', 'string', true],
            ['deployment', 'string', true],
            ['replicas', 'integer', false],
          ],
        );
        assert.equal(loaded.contractDigest, sha256Digest(CONTRACT_YAML));
        assert.equal(loaded.imageDigest, built.manifest.digest);
        assert.equal(loaded.layerDigest, built.layers[0]?.digest);
      });
    }

    it('takes the top layer’s copy and serves it again from the cache', async () => {
      const lower = CONTRACT_YAML.replace('version: 1.0.0', 'version: 0.9.0');
      const image = await imageOf(
        [{ path: '/action-contract.yaml', content: lower }],
        [{ path: '/usr/bin/tool', content: 'x' }],
        [{ path: './action-contract.yaml', content: CONTRACT_YAML }],
      );
      const first = await loader.load(image);
      assert.equal(first.contract.metadata.version, '1.0.0');
      assert.equal(await loader.load(image), first, 'the cached object');
    });

    it('finds a contract below layers that do not touch it', async () => {
      const image = await imageOf(
        [{ path: '/action-contract.yaml', content: CONTRACT_YAML }],
        [{ path: 'etc/', type: 'directory' }, { path: 'etc/.wh.action-contract.yaml' }],
      );
      assert.equal((await loader.load(image)).contract.metadata.version, '1.0.0');
    });

    it('honours a whiteout of the file and an opaque root directory', async () => {
      const deleted = await imageOf(
        [{ path: '/action-contract.yaml', content: CONTRACT_YAML }],
        [{ path: '/.wh.action-contract.yaml' }],
      );
      await assert.rejects(
        loader.load(deleted),
        (error) =>
          isContractError(error, 'CONTRACT_NOT_FOUND') &&
          /deleted by \.wh\.action-contract\.yaml in layer 2 of 2/.test(error.message),
      );
      const opaque = await imageOf(
        [{ path: '/action-contract.yaml', content: CONTRACT_YAML }],
        [{ path: '/.wh..wh..opq' }, { path: '/other', content: 'x' }],
      );
      await assert.rejects(loader.load(opaque), (error) =>
        isContractError(error, 'CONTRACT_NOT_FOUND'),
      );
      const recreated = await imageOf(
        [{ path: '/action-contract.yaml', content: 'old' }],
        [
          { path: '/.wh.action-contract.yaml' },
          { path: '/action-contract.yaml', content: CONTRACT_YAML },
        ],
      );
      assert.equal((await loader.load(recreated)).contract.metadata.name, 'scale-deployment');
    });

    it('names a missing contract, a malformed one and a link', async () => {
      const none = await imageOf([{ path: '/action-entrypoint', content: 'x' }]);
      await assert.rejects(
        loader.load(none),
        (error) =>
          isContractError(error, 'CONTRACT_NOT_FOUND') &&
          error.message.startsWith(none) &&
          /has no \/action-contract.yaml \(searched 1 layer/.test(error.message),
      );
      const badYaml = await imageOf([
        { path: '/action-contract.yaml', content: 'spec: [unclosed' },
      ]);
      await assert.rejects(
        loader.load(badYaml),
        (error) =>
          isContractError(error, 'CONTRACT_INVALID') && /is not YAML at line 1/.test(error.message),
      );
      const badField = await imageOf([
        {
          path: '/action-contract.yaml',
          content: CONTRACT_YAML.replace('type: integer, default', 'type: float, default'),
        },
      ]);
      await assert.rejects(
        loader.load(badField),
        (error) =>
          isContractError(error, 'CONTRACT_INVALID') &&
          /spec\.inputs\[2\]\.type/.test(error.message),
      );
      const link = await imageOf([
        { path: '/action-contract.yaml', type: 'symlink', linkname: '/etc/passwd' },
      ]);
      await assert.rejects(
        loader.load(link),
        (error) =>
          isContractError(error, 'CONTRACT_INVALID') &&
          /is a symlink to \/etc\/passwd/.test(error.message),
      );
    });

    it('refuses a contract file over its limit and a layer over the layer limit', async () => {
      const small = new ContractLoader({ ...options, client, maxContractBytes: 64 });
      const image = await push(await buildActionImage({ contract: CONTRACT_YAML }));
      await assert.rejects(
        small.load(image),
        (error) =>
          isContractError(error, 'CONTRACT_TOO_LARGE') &&
          /over the limit of 64/.test(error.message),
      );
      const huge = await push(
        buildImage({
          layers: [
            await buildLayer([{ path: '/action-contract.yaml', content: CONTRACT_YAML }]),
            await buildLayer([{ path: '/blob', content: randomBytes(2 * 1024 * 1024) }], 'none'),
          ],
        }),
      );
      await assert.rejects(
        loader.load(huge),
        (error) =>
          isRegistryError(error, 'LAYER_TOO_LARGE') &&
          /over the limit of 1048576/.test(error.message),
      );
    });

    it('stops reading a layer that unpacks to more than its limit (a decompression bomb)', async () => {
      const bomb = await imageOf(
        [{ path: '/action-contract.yaml', content: CONTRACT_YAML }],
        [{ path: '/zeros', content: Buffer.alloc(4 * 1024 * 1024) }],
      );
      const strict = new ContractLoader({ ...options, client, maxUncompressedBytes: 1024 * 1024 });
      await assert.rejects(
        strict.load(bomb),
        (error) =>
          isRegistryError(error, 'LAYER_TOO_LARGE') &&
          /unpacks to more than 1048576/.test(error.message),
      );
    });

    it('refuses an image not pinned by digest', async () => {
      await assert.rejects(
        loader.load(`${registry.host}/kubernaut/contract-0:latest`),
        (error) =>
          isRegistryError(error, 'INVALID_REFERENCE') && /not pinned by digest/.test(error.message),
      );
    });
  });
