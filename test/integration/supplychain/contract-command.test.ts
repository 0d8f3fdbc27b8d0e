/** `kubernaut contract` in-process against the local registry. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { main } from '../../../src/cli/main.ts';
import { sha256Digest } from '../../../src/supplychain/oci/digest.ts';
import {
  startLocalRegistry,
  type LocalRegistry,
} from '../../../wrangler-free-local/registry/local-registry.ts';
import { CONTRACT_YAML, RegistryPusher, buildActionImage } from '../../fixtures/oci-image.ts';

async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: (async function* () {})(),
  });
  return { code, stdout, stderr };
}

describe('kubernaut contract', () => {
  let registry: LocalRegistry;
  let image: string;
  let bare: string;
  before(async () => {
    registry = await startLocalRegistry();
    const pusher = new RegistryPusher(registry.url);
    image = `${registry.host}/kubernaut/scale@${await pusher.pushImage('kubernaut/scale', await buildActionImage({ contract: CONTRACT_YAML }))}`;
    bare = `${registry.host}/kubernaut/bare@${await pusher.pushImage('kubernaut/bare', await buildActionImage())}`;
  });
  after(() => registry.close());

  it('prints the contract as YAML', async () => {
    const { code, stdout } = await runCli(['contract', image]);
    assert.equal(code, 0);
    assert.match(
      stdout,
      new RegExp(`^# ${image.replace(/[.]/g, '\\.')}\n# contract ${sha256Digest(CONTRACT_YAML)}\n`),
    );
    assert.equal(
      (parse(stdout) as { metadata: { name: string } }).metadata.name,
      'scale-deployment',
    );
  });

  it('prints JSON with the digests', async () => {
    const { code, stdout } = await runCli(['contract', image, '-o', 'json']);
    assert.equal(code, 0);
    const printed = JSON.parse(stdout) as Record<string, unknown>;
    assert.equal(printed.contractDigest, sha256Digest(CONTRACT_YAML));
    assert.equal(printed.imageDigest, image.split('@')[1]);
    assert.equal((printed.contract as { kind: string }).kind, 'ActionContract');
  });

  it('exits 1 with the reason and code when there is no contract or no digest', async () => {
    const missing = await runCli(['contract', bare]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /has no \/action-contract\.yaml .*\[CONTRACT_NOT_FOUND\]/);
    const unpinned = await runCli(['contract', `${registry.host}/kubernaut/scale:latest`]);
    assert.equal(unpinned.code, 1);
    assert.match(unpinned.stderr, /not pinned by digest.*\[INVALID_REFERENCE\]/);
  });

  it('exits 2 on a usage error', async () => {
    const { code, stderr } = await runCli(['contract']);
    assert.equal(code, 2);
    assert.match(stderr, /give exactly one image/);
  });
});
