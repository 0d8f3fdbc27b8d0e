/**
 * Image verification against a real registry (Debian's docker-registry on loopback): images
 * built and pushed by the test, signed in both cosign formats with keys and a private
 * Sigstore generated here, checked against policies.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RegistryClient } from '../../../src/supplychain/oci/registry-client.ts';
import { isRegistryError } from '../../../src/supplychain/oci/registry-error.ts';
import { compilePolicy } from '../../../src/supplychain/policy/compile-policy.ts';
import { imagePolicySchema } from '../../../src/supplychain/policy/policy-schema.ts';
import { RegistrySignatureSource } from '../../../src/supplychain/verify/registry-signature-source.ts';
import { ImageVerifier } from '../../../src/supplychain/verify/verify-image.ts';
import { VerificationCache } from '../../../src/supplychain/verify/verification-cache.ts';
import {
  cosignStatement,
  generateSigningKey,
  KEY_TYPES,
  pushBundleReferrer,
  pushTagSignatures,
  signDsseBundle,
  signTagScheme,
  type SigningKey,
} from '../../fixtures/cosign-signing.ts';
import {
  dockerRegistryMissing,
  startDockerRegistry,
  type DockerRegistry,
} from '../../fixtures/docker-registry.ts';
import { buildActionImage, CONTRACT_YAML, RegistryPusher } from '../../fixtures/oci-image.ts';
import { createTestSigstore, type TestSigstore } from '../../fixtures/test-sigstore.ts';

const missing = dockerRegistryMissing();

describe('verifying images in a real registry', { skip: missing }, () => {
  let registry: DockerRegistry;
  let pusher: RegistryPusher;
  let client: RegistryClient;
  let sigstore: TestSigstore;
  let dir: string;
  let serial = 0;

  before(async () => {
    registry = await startDockerRegistry();
    pusher = new RegistryPusher(registry.url);
    client = new RegistryClient();
    sigstore = await createTestSigstore();
    dir = await mkdtemp(join(tmpdir(), 'verify-image-'));
    await writeFile(join(dir, 'trusted_root.json'), sigstore.trustedRootJson);
  });
  after(async () => {
    await client.close();
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** Pushes a distinct action image; returns its name and digest. */
  async function pushImage(repository = 'actions/scale') {
    serial++;
    const image = await buildActionImage({
      contract: CONTRACT_YAML,
      extraLayers: [[{ path: '/serial', content: String(serial) }]],
    });
    const digest = await pusher.pushImage(repository, image);
    return {
      image: { registry: registry.host, repository },
      digest,
      size: image.manifest.bytes.length,
      reference: `${registry.host}/${repository}`,
    };
  }

  function verifier(rules: unknown[], defaultAction = 'reject') {
    const spec = imagePolicySchema.parse({
      apiVersion: 'kubernaut.ai/v1alpha1',
      kind: 'ImagePolicy',
      defaultAction,
      trustedRoot: 'trusted_root.json',
      rules,
    });
    return new ImageVerifier({
      policy: compilePolicy(spec, { baseDir: dir }),
      source: new RegistrySignatureSource(client),
    });
  }

  const keyRule = (keys: SigningKey[], extra: object = {}) => ({
    name: 'actions',
    images: [`${registry.host}/actions/**`],
    authorities: keys.map((key) => ({ key: { pem: key.publicPem } })),
    ...extra,
  });

  for (const type of KEY_TYPES) {
    it(`a ${type} tag-scheme signature verifies`, async () => {
      const key = generateSigningKey(type);
      const pushed = await pushImage();
      await pushTagSignatures(pusher, pushed.image.repository, pushed.digest, [
        signTagScheme(key, pushed.digest, pushed.reference),
      ]);
      const result = await verifier([keyRule([key])]).verify(pushed.image, pushed.digest);
      assert.equal(result.verified, true, result.reason);
      assert.equal(result.rule, 'actions');
      assert.equal(result.signers[0]?.scheme, 'cosign-tag');
      assert.match(result.signers[0]?.identity ?? '', /^sha256:[a-f0-9]{64}$/);
    });

    it(`a ${type} bundle referrer verifies`, async () => {
      const key = generateSigningKey(type);
      const pushed = await pushImage();
      const bundle = signDsseBundle({
        privateKey: key.privateKey,
        publicKey: key.publicKey,
        statement: cosignStatement(pushed.digest, pushed.reference),
      });
      await pushBundleReferrer(pusher, pushed.image.repository, pushed.digest, pushed.size, [
        bundle,
      ]);
      const result = await verifier([keyRule([key])]).verify(pushed.image, pushed.digest);
      assert.equal(result.verified, true, result.reason);
      assert.equal(result.signers[0]?.scheme, 'sigstore-bundle');
    });
  }

  it('a signature by another key fails, naming the authority and the reason', async () => {
    const [signer, listed] = [generateSigningKey('ecdsa-p256'), generateSigningKey('ecdsa-p256')];
    const pushed = await pushImage();
    await pushTagSignatures(pusher, pushed.image.repository, pushed.digest, [
      signTagScheme(signer, pushed.digest, pushed.reference),
    ]);
    const result = await verifier([keyRule([listed])]).verify(pushed.image, pushed.digest);
    assert.equal(result.verified, false);
    assert.match(result.reason ?? '', /^key sha256:[a-f0-9]{12}: SIGNATURE_INVALID/);
  });

  it('a payload signed for another image fails', async () => {
    const key = generateSigningKey('ecdsa-p256');
    const [pushed, other] = [await pushImage(), await pushImage()];
    await pushTagSignatures(pusher, pushed.image.repository, pushed.digest, [
      signTagScheme(key, other.digest, other.reference),
    ]);
    const result = await verifier([keyRule([key])]).verify(pushed.image, pushed.digest);
    assert.equal(result.verified, false);
    assert.match(result.reason ?? '', /DIGEST_MISMATCH/);
  });

  it('a bundle whose statement names another image fails', async () => {
    const key = generateSigningKey('ecdsa-p256');
    const [pushed, other] = [await pushImage(), await pushImage()];
    const bundle = signDsseBundle({
      privateKey: key.privateKey,
      publicKey: key.publicKey,
      statement: cosignStatement(other.digest, other.reference),
    });
    await pushBundleReferrer(pusher, pushed.image.repository, pushed.digest, pushed.size, [bundle]);
    const result = await verifier([keyRule([key])]).verify(pushed.image, pushed.digest);
    assert.equal(result.verified, false);
    assert.match(result.reason ?? '', /DIGEST_MISMATCH/);
  });

  it('a tampered payload fails', async () => {
    const key = generateSigningKey('ed25519');
    const pushed = await pushImage();
    const layer = signTagScheme(key, pushed.digest, pushed.reference);
    const payload = Buffer.from(
      layer.payload.toString().replace('"optional":null', '"optional":{}'),
    );
    await pushTagSignatures(pusher, pushed.image.repository, pushed.digest, [
      { ...layer, payload },
    ]);
    const result = await verifier([keyRule([key])]).verify(pushed.image, pushed.digest);
    assert.equal(result.verified, false);
    assert.match(result.reason ?? '', /SIGNATURE_INVALID/);
  });

  it('an unsigned image fails with NO_SIGNATURE', async () => {
    const pushed = await pushImage();
    const result = await verifier([keyRule([generateSigningKey('rsa')])]).verify(
      pushed.image,
      pushed.digest,
    );
    assert.equal(result.verified, false);
    assert.match(result.reason ?? '', /NO_SIGNATURE/);
  });

  it('an image no rule covers is rejected by default, or only warned about', async () => {
    const pushed = await pushImage('elsewhere/tool');
    const rules = [keyRule([generateSigningKey('ecdsa-p256')])];
    const rejected = await verifier(rules).verify(pushed.image, pushed.digest);
    assert.equal(rejected.verified, false);
    assert.equal(rejected.mode, 'enforce');
    assert.equal(rejected.rule, undefined);
    assert.match(rejected.reason ?? '', /no policy rule covers .*elsewhere\/tool/);
    const warned = await verifier(rules, 'warn').verify(pushed.image, pushed.digest);
    assert.equal(warned.mode, 'warn');
  });

  it('a warn rule reports the failure with mode warn', async () => {
    const pushed = await pushImage();
    const result = await verifier([
      keyRule([generateSigningKey('ecdsa-p256')], { mode: 'warn' }),
    ]).verify(pushed.image, pushed.digest);
    assert.equal(result.verified, false);
    assert.equal(result.mode, 'warn');
  });

  it('a threshold of 2 needs two authorities, over both schemes', async () => {
    const [first, second] = [generateSigningKey('ecdsa-p256'), generateSigningKey('ed25519')];
    const pushed = await pushImage();
    await pushTagSignatures(pusher, pushed.image.repository, pushed.digest, [
      signTagScheme(first, pushed.digest, pushed.reference),
    ]);
    const rule = keyRule([first, second], { threshold: 2 });
    const partial = await verifier([rule]).verify(pushed.image, pushed.digest);
    assert.equal(partial.verified, false);
    assert.match(partial.reason ?? '', /1 of 2 authorities verified/);
    const bundle = signDsseBundle({
      privateKey: second.privateKey,
      publicKey: second.publicKey,
      statement: cosignStatement(pushed.digest, pushed.reference),
    });
    await pushBundleReferrer(pusher, pushed.image.repository, pushed.digest, pushed.size, [bundle]);
    const full = await verifier([rule]).verify(pushed.image, pushed.digest);
    assert.equal(full.verified, true, full.reason);
    assert.deepEqual(
      full.signers.map((signer) => signer.scheme),
      ['cosign-tag', 'sigstore-bundle'],
    );
  });

  describe('keyless', () => {
    const identity =
      'https://github.com/example/actions/.github/workflows/release.yml@refs/tags/v1';
    const issuer = 'https://token.actions.githubusercontent.com';
    const keylessRule = (overrides: object = {}) => ({
      name: 'keyless',
      images: [`${registry.host}/actions/**`],
      authorities: [{ keyless: { identity, issuer, requireSct: false, ...overrides } }],
    });

    async function signedKeyless(scheme: 'tag' | 'bundle') {
      const pushed = await pushImage();
      const signer = await sigstore.issue({ san: identity, issuer });
      if (scheme === 'tag') {
        const layer = signTagScheme(
          {
            type: 'ecdsa-p256',
            privateKey: signer.privateKey,
            publicKey: signer.publicKey,
            publicPem: '',
          },
          pushed.digest,
          pushed.reference,
        );
        const signature = Buffer.from(
          layer.annotations['dev.cosignproject.cosign/signature'] ?? '',
          'base64',
        );
        await pushTagSignatures(pusher, pushed.image.repository, pushed.digest, [
          {
            payload: layer.payload,
            annotations: {
              ...layer.annotations,
              'dev.sigstore.cosign/certificate': signer.certificatePem,
              'dev.sigstore.cosign/bundle': sigstore.rekorBundleFor(
                layer.payload,
                signature,
                signer.certificatePem,
              ),
            },
          },
        ]);
      } else {
        const statement = cosignStatement(pushed.digest, pushed.reference);
        const bundle = signDsseBundle({
          privateKey: signer.privateKey,
          publicKey: signer.publicKey,
          statement,
          certificate: signer.certificateDer,
          tlogEntry: (signature) =>
            sigstore.dsseEntryFor(statement, signature, signer.certificatePem),
        });
        await pushBundleReferrer(pusher, pushed.image.repository, pushed.digest, pushed.size, [
          bundle,
        ]);
      }
      return pushed;
    }

    for (const scheme of ['tag', 'bundle'] as const) {
      it(`${scheme}: identity and issuer verify, exact and by regular expression`, async () => {
        const pushed = await signedKeyless(scheme);
        const exact = await verifier([keylessRule()]).verify(pushed.image, pushed.digest);
        assert.equal(exact.verified, true, exact.reason);
        assert.equal(exact.signers[0]?.identity, identity);
        assert.equal(exact.signers[0]?.issuer, issuer);
        const byRegExp = await verifier([
          keylessRule({
            identity: undefined,
            identityRegExp: '^https://github\\.com/example/',
            issuer: undefined,
            issuerRegExp: '^https://token\\.actions\\.',
          }),
        ]).verify(pushed.image, pushed.digest);
        assert.equal(byRegExp.verified, true, byRegExp.reason);
      });

      it(`${scheme}: another identity or issuer fails`, async () => {
        const pushed = await signedKeyless(scheme);
        const wrongIdentity = await verifier([
          keylessRule({ identity: 'https://github.com/evil/actions/x.yml@refs/heads/main' }),
        ]).verify(pushed.image, pushed.digest);
        assert.match(wrongIdentity.reason ?? '', /IDENTITY_MISMATCH/);
        const wrongIssuer = await verifier([
          keylessRule({ issuer: 'https://accounts.google.com' }),
        ]).verify(pushed.image, pushed.digest);
        assert.match(wrongIssuer.reason ?? '', /ISSUER_MISMATCH/);
      });
    }

    it('requiring SCTs fails certificates without them', async () => {
      const pushed = await signedKeyless('bundle');
      const result = await verifier([keylessRule({ requireSct: true })]).verify(
        pushed.image,
        pushed.digest,
      );
      assert.match(result.reason ?? '', /CERTIFICATE_INVALID/);
    });
  });

  it('a pass is cached by digest; a registry that is down is an error, never a pass', async () => {
    const key = generateSigningKey('ecdsa-p256');
    const [signed, unsigned] = [await pushImage(), await pushImage()];
    await pushTagSignatures(pusher, signed.image.repository, signed.digest, [
      signTagScheme(key, signed.digest, signed.reference),
    ]);
    const spec = imagePolicySchema.parse({
      apiVersion: 'kubernaut.ai/v1alpha1',
      kind: 'ImagePolicy',
      rules: [keyRule([key])],
    });
    const cache = new VerificationCache({ ttlMs: 60_000 });
    const cached = new ImageVerifier({
      policy: compilePolicy(spec, { baseDir: dir }),
      source: new RegistrySignatureSource(client),
      cache,
    });
    assert.equal((await cached.verify(signed.image, signed.digest)).verified, true);
    assert.equal(cache.size, 1);
    await registry.stop();
    assert.equal((await cached.verify(signed.image, signed.digest)).verified, true);
    await assert.rejects(
      cached.verify(unsigned.image, unsigned.digest),
      (error: unknown) => isRegistryError(error, 'REGISTRY_UNREACHABLE') && error.transient,
    );
    // Later tests need a registry again.
    registry = await startDockerRegistry();
  });
});
