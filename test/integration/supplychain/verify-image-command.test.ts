/** `kubernaut verify-image` against a real registry: exit 0 with JSON when verified, else 1. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../../src/cli/main.ts';
import {
  generateSigningKey,
  pushTagSignatures,
  signTagScheme,
} from '../../fixtures/cosign-signing.ts';
import {
  dockerRegistryMissing,
  startDockerRegistry,
  type DockerRegistry,
} from '../../fixtures/docker-registry.ts';
import { buildActionImage, CONTRACT_YAML, RegistryPusher } from '../../fixtures/oci-image.ts';

const missing = dockerRegistryMissing();

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      stdout: { write: (text: string) => out.push(text) },
      stderr: { write: (text: string) => err.push(text) },
      stdin: (async function* () {})(),
    },
  };
}

describe('kubernaut verify-image', { skip: missing }, () => {
  let registry: DockerRegistry;
  let dir: string;

  before(async () => {
    registry = await startDockerRegistry();
    dir = await mkdtemp(join(tmpdir(), 'verify-image-cli-'));
  });
  after(async () => {
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the signer and exits 0 for a signed image, 1 with the reason otherwise', async () => {
    const pusher = new RegistryPusher(registry.url);
    const key = generateSigningKey('ecdsa-p256');
    const keyFile = join(dir, 'cosign.pub');
    await writeFile(keyFile, key.publicPem);
    const signedImage = await buildActionImage({ contract: CONTRACT_YAML });
    const digest = await pusher.pushImage('actions/scale', signedImage);
    const reference = `${registry.host}/actions/scale`;
    await pushTagSignatures(pusher, 'actions/scale', digest, [
      signTagScheme(key, digest, reference),
    ]);

    const ok = capture();
    assert.equal(
      await main(['verify-image', `${reference}@${digest}`, '--key', keyFile], ok.io),
      0,
    );
    const result = JSON.parse(ok.out.join('')) as Record<string, unknown>;
    assert.equal(result.verified, true);
    assert.equal(result.digest, digest);
    assert.equal(result.scheme, 'cosign-tag');
    assert.equal(result.rule, 'command-line');

    const unsigned = await pusher.pushImage('actions/other', await buildActionImage());
    const bad = capture();
    const code = await main(
      ['verify-image', `${registry.host}/actions/other@${unsigned}`, '--key', keyFile],
      bad.io,
    );
    assert.equal(code, 1);
    assert.match(bad.err.join(''), /NO_SIGNATURE/);

    const byTag = capture();
    assert.equal(await main(['verify-image', `${reference}:v1`, '--key', keyFile], byTag.io), 1);
    assert.match(byTag.out.join(''), /ImageNotPinned/);
  });

  it('exits 2 without authorities', async () => {
    const none = capture();
    assert.equal(
      await main(['verify-image', `${registry.host}/x@sha256:${'a'.repeat(64)}`], none.io),
      2,
    );
    assert.match(none.err.join(''), /give --policy, --key or --certificate-identity/);
  });
});
