/**
 * Auth and transport against the real registry: its token auth with a loopback token service,
 * Basic auth (through a loopback proxy that demands it: the registry's own htpasswd needs
 * bcrypt hashes, which nothing here can make), TLS with a custom CA.
 */
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { Agent, fetch as undiciFetch } from 'undici';
import { RegistryClient } from '../../../src/supplychain/oci/registry-client.ts';
import { parseImageReference } from '../../../src/supplychain/oci/image-reference.ts';
import { parseDockerConfig } from '../../../src/supplychain/oci/docker-config.ts';
import { isRegistryError } from '../../../src/supplychain/oci/registry-error.ts';
import { ContractLoader } from '../../../src/supplychain/contract/contract-loader.ts';
import {
  DEV_CERTIFICATE,
  DEV_PRIVATE_KEY,
} from '../../../wrangler-free-local/apiserver/dev-certificate.ts';
import {
  dockerRegistryMissing,
  startDockerRegistry,
  type DockerRegistry,
} from '../../fixtures/docker-registry.ts';
import { CONTRACT_YAML, RegistryPusher, buildActionImage } from '../../fixtures/oci-image.ts';
import { startTokenServer, type TokenServer } from './token-server.ts';

const missing = dockerRegistryMissing();
const credentials = (registry: string, user: string, password: string) =>
  parseDockerConfig({
    auths: { [registry]: { auth: Buffer.from(`${user}:${password}`).toString('base64') } },
  });

describe('registry token auth (docker-registry auth.token)', { skip: missing }, () => {
  let tokens: TokenServer;
  let registry: DockerRegistry;
  let image: string;

  before(async () => {
    tokens = await startTokenServer({
      certificate: DEV_CERTIFICATE,
      privateKey: DEV_PRIVATE_KEY,
      users: { ci: 's3cret' },
    });
    registry = await startDockerRegistry({
      token: {
        realm: tokens.realm,
        service: tokens.service,
        issuer: tokens.issuer,
        rootCertificate: DEV_CERTIFICATE,
      },
    });
    // Push with a token of our own, fetched the way any client does.
    const tokenResponse = await fetch(
      `${tokens.realm}?service=${tokens.service}&scope=repository:kubernaut/private:pull,push`,
      {
        headers: { authorization: `Basic ${Buffer.from('ci:s3cret').toString('base64')}` },
      },
    );
    const { token } = (await tokenResponse.json()) as { token: string };
    const pusher = new RegistryPusher(registry.url, { authorization: `Bearer ${token}` });
    const digest = await pusher.pushImage(
      'kubernaut/private',
      await buildActionImage({ contract: CONTRACT_YAML }),
      'v1',
    );
    image = `${registry.host}/kubernaut/private@${digest}`;
  });
  after(async () => {
    await registry.stop();
    await tokens.close();
  });

  it('fetches a token with the docker config credentials for the pull scope, and reuses it', async () => {
    const client = new RegistryClient({
      credentials: credentials(registry.host, 'ci', 's3cret'),
      retries: 0,
    });
    tokens.requests.length = 0;
    const loaded = await new ContractLoader({ client }).load(image);
    assert.equal(loaded.contract.metadata.name, 'scale-deployment');
    const ref = parseImageReference(image);
    assert.deepEqual(await client.listTags(ref), ['v1']);
    assert.deepEqual(
      tokens.requests,
      [{ scope: 'repository:kubernaut/private:pull', user: 'ci' }],
      'one token for manifest, blobs and tags',
    );
    await client.close();
  });

  it('is UNAUTHORIZED with wrong or no credentials, naming the image', async () => {
    for (const store of [credentials(registry.host, 'ci', 'wrong'), undefined]) {
      const client = new RegistryClient({ ...(store ? { credentials: store } : {}), retries: 0 });
      await assert.rejects(
        client.getManifest(parseImageReference(image), parseImageReference(image).digest ?? ''),
        (error) =>
          isRegistryError(error, 'UNAUTHORIZED') &&
          error.message.startsWith(image) &&
          /token service .* refused/.test(error.message),
      );
      await client.close();
    }
  });
});

describe('Basic auth and TLS with a custom CA', { skip: missing }, () => {
  let plain: DockerRegistry;
  let tls: DockerRegistry;
  let proxy: Server;
  let proxyHost: string;
  let digest: string;
  const proxied: string[] = [];

  before(async () => {
    plain = await startDockerRegistry();
    tls = await startDockerRegistry({
      tls: { certificate: DEV_CERTIFICATE, key: DEV_PRIVATE_KEY },
    });
    const built = await buildActionImage({ contract: CONTRACT_YAML });
    digest = await new RegistryPusher(plain.url).pushImage('kubernaut/basic', built);
    // The test pushes over TLS with an agent that trusts the same CA.
    const agent = new Agent({ connect: { ca: DEV_CERTIFICATE } });
    const tlsFetch = ((input: string | URL, init?: RequestInit) =>
      undiciFetch(input, { ...(init as object), dispatcher: agent })) as unknown as typeof fetch;
    await new RegistryPusher(tls.url, { fetch: tlsFetch }).pushImage('kubernaut/tls', built);
    await agent.close();
    proxy = createServer((req, res) => {
      const expected = `Basic ${Buffer.from('robot:hunter2').toString('base64')}`;
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="kubernaut-test"' }).end();
        return;
      }
      proxied.push(req.url ?? '');
      const upstream = httpRequest(
        `${plain.url}${req.url ?? '/'}`,
        { method: req.method, headers: { accept: req.headers.accept ?? '*/*' } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    proxy.listen(0, '127.0.0.1');
    await once(proxy, 'listening');
    const address = proxy.address();
    proxyHost = `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  after(async () => {
    proxy.close();
    await Promise.all([plain.stop(), tls.stop()]);
  });

  it('answers a Basic challenge with the docker config credentials', async () => {
    const client = new RegistryClient({
      credentials: credentials(`http://${proxyHost}`, 'robot', 'hunter2'),
      retries: 0,
    });
    const loaded = await new ContractLoader({ client }).load(
      `${proxyHost}/kubernaut/basic@${digest}`,
    );
    assert.equal(loaded.imageDigest, digest);
    assert.ok(
      proxied.some((path) => path.includes('/blobs/')),
      'the blobs came through the proxy',
    );
    await client.close();
    const anonymous = new RegistryClient({ retries: 0 });
    await assert.rejects(
      anonymous.getManifest(parseImageReference(`${proxyHost}/kubernaut/basic`), digest),
      (error) =>
        isRegistryError(error, 'UNAUTHORIZED') &&
        /asks for Basic credentials and the docker config has none/.test(error.message),
    );
    await anonymous.close();
  });

  it('speaks TLS to a registry whose certificate the configured CA signed', async () => {
    const client = new RegistryClient({ ca: DEV_CERTIFICATE, retries: 0 });
    const loaded = await new ContractLoader({ client }).load(`${tls.host}/kubernaut/tls@${digest}`);
    assert.equal(loaded.contract.metadata.name, 'scale-deployment');
    await client.close();
    // Without the CA the TLS handshake fails, and plain HTTP to a TLS port gets nowhere.
    const untrusting = new RegistryClient({ retries: 0 });
    await assert.rejects(
      untrusting.getManifest(parseImageReference(`${tls.host}/kubernaut/tls`), digest),
      (error) => isRegistryError(error),
    );
    await untrusting.close();
  });
});
