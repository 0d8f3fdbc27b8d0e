/**
 * What a registry can do wrong: be down, fail with 5xx, lie about content, keep refusing a
 * token. The down case uses the real registry, stopped; the rest a small loopback fake that
 * misbehaves on purpose. None of them ever passes.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import { before, describe, it } from 'node:test';
import { Agent } from 'undici';
import { RegistryClient } from '../../../src/supplychain/oci/registry-client.ts';
import { RegistryTransport } from '../../../src/supplychain/oci/registry-transport.ts';
import { parseImageReference } from '../../../src/supplychain/oci/image-reference.ts';
import { isRegistryError } from '../../../src/supplychain/oci/registry-error.ts';
import { ContractLoader } from '../../../src/supplychain/contract/contract-loader.ts';
import { dockerRegistryMissing, startDockerRegistry } from '../../fixtures/docker-registry.ts';
import {
  CONTRACT_YAML,
  RegistryPusher,
  buildActionImage,
  type BuiltImage,
} from '../../fixtures/oci-image.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function startFake(handler: Handler): Promise<{ host: string; close(): Promise<void> }> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  return {
    host: `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Serves one image honestly, except for what `tamper` changes. */
function serveImage(
  image: BuiltImage,
  tamper: { manifest?: Buffer; blob?: (digest: string, bytes: Uint8Array) => Uint8Array } = {},
): Handler {
  return (req, res) => {
    const url = req.url ?? '';
    if (url === '/v2/') return void res.writeHead(200).end('{}');
    if (url.includes('/manifests/')) {
      return void res
        .writeHead(200, { 'content-type': image.manifest.mediaType })
        .end(tamper.manifest ?? image.manifest.bytes);
    }
    const blob = [image.config, ...image.layers].find((candidate) =>
      url.endsWith(`/blobs/${candidate.digest}`),
    );
    if (!blob)
      return void res
        .writeHead(404)
        .end('{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown"}]}');
    res.writeHead(200).end(tamper.blob ? tamper.blob(blob.digest, blob.bytes) : blob.bytes);
  };
}

describe('registry faults', () => {
  let image: BuiltImage;
  before(async () => {
    image = await buildActionImage({ contract: CONTRACT_YAML });
  });

  it(
    'a registry that is down: REGISTRY_UNREACHABLE after the bounded retries, never a contract',
    { skip: dockerRegistryMissing() },
    async () => {
      const registry = await startDockerRegistry();
      const digest = await new RegistryPusher(registry.url).pushImage('kubernaut/down', image);
      await registry.stop();
      const retries: number[] = [];
      const client = new RegistryClient({
        retries: 2,
        retryBaseMs: 1,
        onRetry: (event) => retries.push(event.attempt),
      });
      await assert.rejects(
        new ContractLoader({ client }).load(`${registry.host}/kubernaut/down@${digest}`),
        (error) =>
          isRegistryError(error, 'REGISTRY_UNREACHABLE') &&
          error.transient &&
          error.message.startsWith(`${registry.host}/kubernaut/down@${digest}`) &&
          /ECONNREFUSED/.test(error.message),
      );
      assert.deepEqual(retries, [1, 2]);
      await client.close();
    },
  );

  it('retries 5xx answers and succeeds when the registry recovers', async () => {
    let failures = 0;
    const honest = serveImage(image);
    const fake = await startFake((req, res) => {
      if (req.url !== '/v2/' && failures < 2) {
        failures++;
        return void res.writeHead(503).end();
      }
      honest(req, res);
    });
    const client = new RegistryClient({ retries: 3, retryBaseMs: 1 });
    const loaded = await new ContractLoader({ client }).load(
      `${fake.host}/a/b@${image.manifest.digest}`,
    );
    assert.equal(loaded.contract.metadata.name, 'scale-deployment');
    assert.equal(failures, 2, 'both 503s were answered, and retried');
    await client.close();
    await fake.close();
  });

  it('never retries a 4xx: one request for a 404', async () => {
    let requests = 0;
    const fake = await startFake((req, res) => {
      if (req.url !== '/v2/') requests++;
      res.writeHead(req.url === '/v2/' ? 200 : 404).end();
    });
    const client = new RegistryClient({ retries: 3, retryBaseMs: 1 });
    await assert.rejects(
      client.getManifest(parseImageReference(`${fake.host}/a/b`), 'v1'),
      (error) => isRegistryError(error, 'MANIFEST_NOT_FOUND'),
    );
    assert.equal(requests, 1);
    await client.close();
    await fake.close();
  });

  it('a manifest whose bytes are not the digest asked for: DIGEST_MISMATCH', async () => {
    const other = await buildActionImage({ contract: CONTRACT_YAML.replace('1.0.0', '6.6.6') });
    const fake = await startFake(
      serveImage(image, { manifest: Buffer.from(other.manifest.bytes) }),
    );
    const client = new RegistryClient({ retries: 0 });
    await assert.rejects(
      new ContractLoader({ client }).load(`${fake.host}/a/b@${image.manifest.digest}`),
      (error) =>
        isRegistryError(error, 'DIGEST_MISMATCH') && error.message.includes(other.manifest.digest),
    );
    await client.close();
    await fake.close();
  });

  it('a layer whose bytes were swapped: DIGEST_MISMATCH even though the contract was found early', async () => {
    const evil = await buildActionImage({
      contract: CONTRACT_YAML.replace('required: true', 'required: false'),
    });
    const layer = image.layers[0]?.digest;
    const fake = await startFake(
      serveImage(image, {
        blob: (digest, bytes) => (digest === layer ? (evil.layers[0]?.bytes ?? bytes) : bytes),
      }),
    );
    const client = new RegistryClient({ retries: 0 });
    await assert.rejects(
      new ContractLoader({ client }).load(`${fake.host}/a/b@${image.manifest.digest}`),
      (error) =>
        isRegistryError(error, 'DIGEST_MISMATCH') && /blob content has digest/.test(error.message),
    );
    await client.close();
    await fake.close();
  });

  it('a token the registry keeps refusing: one refresh, then UNAUTHORIZED', async () => {
    let tokens = 0;
    let manifests = 0;
    const fake = await startFake((req, res) => {
      if (req.url?.startsWith('/token')) {
        tokens++;
        return void res.writeHead(200).end(JSON.stringify({ token: `t${tokens}` }));
      }
      if (req.url?.includes('/manifests/')) manifests++;
      res
        .writeHead(401, {
          'www-authenticate': `Bearer realm="http://${req.headers.host ?? ''}/token",service="fake"`,
        })
        .end();
    });
    const client = new RegistryClient({ retries: 3, retryBaseMs: 1 });
    await assert.rejects(
      client.getManifest(parseImageReference(`${fake.host}/a/b`), image.manifest.digest),
      (error) =>
        isRegistryError(error, 'UNAUTHORIZED') &&
        /refused the credentials \(HTTP 401\)/.test(error.message),
    );
    assert.deepEqual({ tokens, manifests }, { tokens: 1, manifests: 2 });
    await client.close();
    await fake.close();
  });
});

describe('insecure registries', () => {
  it('plain HTTP only for loopback registries and those named as insecure', async () => {
    const transport = new RegistryTransport({ insecureRegistries: ['registry.internal:5000'] });
    assert.equal(transport.allowsPlainHttp('127.0.0.1:5000'), true);
    assert.equal(transport.allowsPlainHttp('localhost:5000'), true);
    assert.equal(transport.allowsPlainHttp('[::1]:5000'), true);
    assert.equal(transport.allowsPlainHttp('registry.internal:5000'), true);
    assert.equal(
      transport.allowsPlainHttp('registry.internal'),
      false,
      'the port is part of the name',
    );
    assert.equal(transport.allowsPlainHttp('ghcr.io'), false);
    await transport.close();
  });

  it('a registry not named as insecure is only ever dialled over HTTPS', async () => {
    // The dispatcher's connect hook records what would be dialled, and dials nothing.
    const seen: string[] = [];
    const dispatcher = new Agent({
      connect: (options, callback) => {
        seen.push(`${options.protocol}//${options.hostname}:${options.port}`);
        callback(new Error('no network in tests'), null);
      },
    });
    const client = new RegistryClient({ dispatcher, retries: 1, retryBaseMs: 1 });
    await assert.rejects(
      client.getManifest(parseImageReference('registry.example:5000/a/b'), 'v1'),
      (error) => isRegistryError(error, 'REGISTRY_UNREACHABLE'),
    );
    assert.deepEqual(seen, ['https://registry.example:5000', 'https://registry.example:5000']);
    await client.close();
  });
});
