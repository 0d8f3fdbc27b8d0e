/**
 * Local mode's signing: the key is made once (P-256, 0600) and reused; the local policy
 * enforces it on the local registry's action repositories and rejects anything else; images
 * signed into the local registry verify through the real registry client and verifier.
 */
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RegistryClient } from '../../../src/supplychain/oci/registry-client.ts';
import { parseImageReference } from '../../../src/supplychain/oci/image-reference.ts';
import { loadPolicyFile } from '../../../src/supplychain/policy/load-policy.ts';
import { RegistrySignatureSource } from '../../../src/supplychain/verify/registry-signature-source.ts';
import { ImageVerifier } from '../../../src/supplychain/verify/verify-image.ts';
import { loadOrCreateSigningKey } from '../../../wrangler-free-local/signing/local-signing-key.ts';
import { writeLocalImagePolicy } from '../../../wrangler-free-local/signing/local-image-policy.ts';
import { signStoredImages } from '../../../wrangler-free-local/signing/sign-image.ts';
import {
  startLocalRegistry,
  type LocalRegistry,
} from '../../../wrangler-free-local/registry/local-registry.ts';
import { buildActionImage, CONTRACT_YAML } from '../../fixtures/oci-image.ts';

describe('local mode signing key and image policy', () => {
  let dir: string;
  let registry: LocalRegistry;
  let client: RegistryClient;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubernaut-signing-'));
    registry = await startLocalRegistry();
    client = new RegistryClient({ retries: 0 });
  });
  after(async () => {
    await client.close();
    await registry.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('makes an ECDSA P-256 key once, private to its owner, and reuses it', async () => {
    const first = await loadOrCreateSigningKey(dir);
    assert.equal(first.privateKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.equal((await stat(first.privateKeyPath)).mode & 0o777, 0o600);
    await chmod(first.privateKeyPath, 0o644);
    const second = await loadOrCreateSigningKey(dir);
    assert.equal(second.publicPem, first.publicPem);
    assert.equal((await stat(first.privateKeyPath)).mode & 0o777, 0o600, 'tightened again');
  });

  it('refuses a key of another type, naming the file', async () => {
    const other = await mkdtemp(join(tmpdir(), 'kubernaut-signing-'));
    const { generateKeyPairSync } = await import('node:crypto');
    const { privateKey } = generateKeyPairSync('ed25519');
    await writeFile(
      join(other, 'signing-key.pem'),
      privateKey.export({ type: 'pkcs8', format: 'pem' }),
      { mode: 0o600 },
    );
    await assert.rejects(
      loadOrCreateSigningKey(other),
      /signing-key\.pem: the local signing key must be ECDSA P-256/,
    );
    await rm(other, { recursive: true, force: true });
  });

  it('signed action images verify under the local policy; unsigned and uncovered ones do not', async () => {
    const key = await loadOrCreateSigningKey(dir);
    const signed = await buildActionImage({ contract: CONTRACT_YAML });
    const unsigned = await buildActionImage({ contract: CONTRACT_YAML.replace('1.0.0', '1.0.1') });
    const repository = 'kubernaut/actions/test/scale';
    for (const image of [signed, unsigned]) {
      for (const blob of [image.config, ...image.layers]) registry.store.putBlob(blob.bytes);
      registry.store.putManifest(
        repository,
        image.manifest.digest,
        image.manifest.mediaType,
        image.manifest.bytes,
      );
    }
    signStoredImages(
      registry.store,
      registry.host,
      [{ repository, digest: signed.manifest.digest }],
      key,
    );
    // The same image under another repository: covered by no rule.
    registry.store.putManifest(
      'other/scale',
      signed.manifest.digest,
      signed.manifest.mediaType,
      signed.manifest.bytes,
    );
    const policy = loadPolicyFile(
      await writeLocalImagePolicy(dir, registry.host, key.publicKeyPath),
    );
    const verifier = new ImageVerifier({ policy, source: new RegistrySignatureSource(client) });
    const verify = (image: string) => {
      const ref = parseImageReference(image);
      return verifier.verify(ref, ref.digest ?? '');
    };
    const ok = await verify(`${registry.host}/${repository}@${signed.manifest.digest}`);
    assert.equal(ok.verified, true, ok.reason);
    assert.equal(ok.rule, 'local-actions');
    assert.equal(ok.signers[0]?.scheme, 'sigstore-bundle');
    const notSigned = await verify(`${registry.host}/${repository}@${unsigned.manifest.digest}`);
    assert.equal(notSigned.verified, false);
    assert.equal(notSigned.mode, 'enforce');
    assert.match(notSigned.reason ?? '', /NO_SIGNATURE/);
    const uncovered = await verify(`${registry.host}/other/scale@${signed.manifest.digest}`);
    assert.equal(uncovered.verified, false);
    assert.match(
      uncovered.reason ?? '',
      /no policy rule covers .*other\/scale \(defaultAction: reject\)/,
    );
  });
});
