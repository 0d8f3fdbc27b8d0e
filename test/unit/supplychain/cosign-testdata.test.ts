/**
 * Real cosign signatures and bundles from public projects (test/testdata/cosign, see
 * SOURCES.md) verify offline with the public-good trusted root; every tampered variant fails
 * with the code that says why.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { KeylessAuthority, KeyAuthority } from '../../../src/supplychain/cosign/authority.ts';
import { parseBundle, verifyBundle } from '../../../src/supplychain/cosign/bundle-signature.ts';
import { SignatureError, type SignatureErrorCode } from '../../../src/supplychain/cosign/errors.ts';
import {
  verifyLegacySignature,
  type LegacySignature,
} from '../../../src/supplychain/cosign/legacy-signature.ts';
import { keyFingerprint, parsePublicKey } from '../../../src/supplychain/cosign/public-keys.ts';
import {
  EMPTY_TRUSTED_ROOT,
  readTrustedRoot,
  trustMaterialForKey,
  trustMaterialForRoot,
} from '../../../src/supplychain/cosign/trusted-root.ts';

const DATA = join(import.meta.dirname, '../../testdata/cosign');
const read = (...path: string[]) => readFileSync(join(DATA, ...path));
const text = (...path: string[]) => read(...path).toString('utf8');
const trust = trustMaterialForRoot(readTrustedRoot(join(DATA, 'trusted_root.json')));

function keyAuthority(file: string): KeyAuthority {
  const key = parsePublicKey(text(file), file);
  return {
    kind: 'key',
    name: file,
    key,
    fingerprint: keyFingerprint(key),
    trust: trustMaterialForKey(EMPTY_TRUSTED_ROOT, key),
  };
}

function keyless(overrides: Partial<KeylessAuthority> = {}): KeylessAuthority {
  return {
    kind: 'keyless',
    name: 'keyless',
    identity: { regexp: /.*/ },
    issuer: { regexp: /.*/ },
    trust,
    requireSct: true,
    ...overrides,
  };
}

function expectCode(code: SignatureErrorCode, run: () => unknown): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof SignatureError, String(error));
    assert.equal(error.code, code, error.message);
    return true;
  });
}

function flipByte(bytes: Uint8Array, index: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[index] = (copy[index] ?? 0) ^ 0x01;
  return copy;
}

function digestOf(payload: Buffer): string {
  const parsed = JSON.parse(payload.toString('utf8')) as {
    critical: { image: { 'docker-manifest-digest': string } };
  };
  return parsed.critical.image['docker-manifest-digest'];
}

const OTHER_DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('legacy tag-scheme signatures by key', () => {
  for (const [dir, key] of [
    ['legacy-key-ecdsa-p256-busybox', 'cosign.pub'],
    ['legacy-key-rsa-sle-micro', 'cosign.pub'],
  ] as const) {
    const payload = read(dir, 'payload.json');
    const signature: LegacySignature = { payload, signature: text(dir, 'signature.b64').trim() };
    const digest = digestOf(payload);
    const authority = keyAuthority(join(dir, key));

    it(`${dir}: verifies over the exact payload bytes`, () => {
      const signer = verifyLegacySignature(signature, digest, authority);
      assert.equal(signer.scheme, 'cosign-tag');
      assert.equal(signer.identity, authority.fingerprint);
      assert.match(signer.identity, /^sha256:[a-f0-9]{64}$/);
    });

    it(`${dir}: a flipped payload byte fails`, () => {
      // Inside the docker-reference, so the JSON still parses and names the same digest.
      const index = payload.indexOf('docker-reference') + 22;
      expectCode('SIGNATURE_INVALID', () =>
        verifyLegacySignature(
          { ...signature, payload: flipByte(payload, index) },
          digest,
          authority,
        ),
      );
    });

    it(`${dir}: a flipped signature byte fails`, () => {
      const raw = Buffer.from(signature.signature, 'base64');
      const tampered = flipByte(raw, raw.length - 3).toString('base64');
      expectCode('SIGNATURE_INVALID', () =>
        verifyLegacySignature({ ...signature, signature: tampered }, digest, authority),
      );
    });

    it(`${dir}: the signature of this payload is not one for another image`, () => {
      expectCode('DIGEST_MISMATCH', () =>
        verifyLegacySignature(signature, OTHER_DIGEST, authority),
      );
    });

    it(`${dir}: re-serializing the payload breaks the signature`, () => {
      const reserialized = Buffer.from(JSON.stringify(JSON.parse(payload.toString()), null, 1));
      expectCode('SIGNATURE_INVALID', () =>
        verifyLegacySignature({ ...signature, payload: reserialized }, digest, authority),
      );
    });
  }

  it('the busybox signature fails with the wrong key', () => {
    const dir = 'legacy-key-ecdsa-p256-busybox';
    const payload = read(dir, 'payload.json');
    expectCode('SIGNATURE_INVALID', () =>
      verifyLegacySignature(
        { payload, signature: text(dir, 'signature.b64').trim() },
        digestOf(payload),
        keyAuthority(join(dir, 'wrong-key.pub')),
      ),
    );
  });
});

describe('legacy keyless signature (Fulcio 2021, Rekor SET)', () => {
  const dir = 'legacy-keyless-kubewarden-policy';
  const payload = read(dir, 'payload.json');
  const digest = digestOf(payload);
  const signature: LegacySignature = {
    payload,
    signature: text(dir, 'signature.b64').trim(),
    certificate: text(dir, 'certificate.pem'),
    rekorBundle: text(dir, 'rekor-bundle.json'),
  };
  // The 2021 certificate predates Fulcio's SCTs and its OIDC-issuer extension.
  const authority = keyless({
    identity: { exact: 'flavio@castelli.me' },
    issuer: undefined,
    requireSct: false,
  });

  it('verifies at the integrated time, long after the 20-minute certificate expired', () => {
    const signer = verifyLegacySignature(signature, digest, authority);
    assert.equal(signer.identity, 'flavio@castelli.me');
    assert.equal(signer.signedAt, '2021-10-20T07:25:17.000Z');
  });

  it('names the identity that does not match', () => {
    expectCode('IDENTITY_MISMATCH', () =>
      verifyLegacySignature(
        signature,
        digest,
        keyless({
          identity: { exact: 'someone@else.example' },
          issuer: undefined,
          requireSct: false,
        }),
      ),
    );
  });

  it('fails when an issuer is required and the certificate has none', () => {
    expectCode('ISSUER_MISMATCH', () =>
      verifyLegacySignature(
        signature,
        digest,
        keyless({ identity: { exact: 'flavio@castelli.me' }, requireSct: false }),
      ),
    );
  });

  it('fails without SCT when SCTs are required', () => {
    expectCode('CERTIFICATE_INVALID', () =>
      verifyLegacySignature(signature, digest, { ...authority, requireSct: true }),
    );
  });

  it('a tampered payload no longer matches the Rekor entry', () => {
    const index = payload.indexOf('docker-reference') + 22;
    expectCode('TLOG_INVALID', () =>
      verifyLegacySignature({ ...signature, payload: flipByte(payload, index) }, digest, authority),
    );
  });

  it('a tampered signature no longer matches the Rekor entry', () => {
    const raw = Buffer.from(signature.signature, 'base64');
    expectCode('TLOG_INVALID', () =>
      verifyLegacySignature(
        { ...signature, signature: flipByte(raw, raw.length - 3).toString('base64') },
        digest,
        authority,
      ),
    );
  });

  it('a tampered SET fails', () => {
    const bundle = JSON.parse(signature.rekorBundle ?? '') as { SignedEntryTimestamp: string };
    const set = Buffer.from(bundle.SignedEntryTimestamp, 'base64');
    bundle.SignedEntryTimestamp = flipByte(set, set.length - 3).toString('base64');
    expectCode('TLOG_INVALID', () =>
      verifyLegacySignature(
        { ...signature, rekorBundle: JSON.stringify(bundle) },
        digest,
        authority,
      ),
    );
  });

  it('a tampered certificate fails', () => {
    const pem = signature.certificate ?? '';
    const der = Buffer.from(pem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
    const tampered = flipByte(der, der.length - 5).toString('base64');
    const certificate = `-----BEGIN CERTIFICATE-----\n${tampered}\n-----END CERTIFICATE-----\n`;
    // The Rekor entry recorded the original certificate.
    expectCode('TLOG_INVALID', () =>
      verifyLegacySignature({ ...signature, certificate }, digest, authority),
    );
  });

  it('fails offline without the Rekor bundle', () => {
    expectCode('TLOG_INVALID', () =>
      verifyLegacySignature({ ...signature, rekorBundle: undefined }, digest, authority),
    );
  });

  it('fails with another digest', () => {
    expectCode('DIGEST_MISMATCH', () => verifyLegacySignature(signature, OTHER_DIGEST, authority));
  });
});

describe('sigstore bundles v0.3 (DSSE), verified offline', () => {
  const cases = [
    {
      file: 'bundle-v0.3-cosign-sign-kubewarden-controller-v1.34.0.sigstore.json',
      identity:
        'https://github.com/kubewarden/kubewarden-controller/.github/workflows/release.yml@refs/tags/v1.34.0',
      issuer: 'https://token.actions.githubusercontent.com',
      digest: 'sha256:c811d58de79c92f03214e63aa339484e488d694ae8a6283b5f3f17a9faf50172',
      predicateTypes: undefined,
    },
    {
      file: 'bundle-v0.3-dsse-attestation-cosign-testdata.sigstore.json',
      identity: 'cody@soyland.com',
      issuer: 'https://github.com/login/oauth',
      digest: undefined,
      predicateTypes: ['https://cosign.sigstore.dev/attestation/v1'],
    },
  ];
  for (const testCase of cases) {
    const json = JSON.parse(text(testCase.file)) as {
      dsseEnvelope: { payload: string; signatures: Array<{ sig: string }> };
    };
    const statement = JSON.parse(Buffer.from(json.dsseEnvelope.payload, 'base64').toString()) as {
      subject: Array<{ digest: { sha256: string } }>;
    };
    const digest = testCase.digest ?? `sha256:${statement.subject[0]?.digest.sha256 ?? ''}`;
    const target = {
      digest,
      ...(testCase.predicateTypes ? { predicateTypes: testCase.predicateTypes } : {}),
    };
    const authority = keyless({
      identity: { exact: testCase.identity },
      issuer: { exact: testCase.issuer },
    });

    it(`${testCase.file}: verifies with identity and issuer`, () => {
      const signer = verifyBundle(parseBundle(json), target, authority);
      assert.equal(signer.scheme, 'sigstore-bundle');
      assert.equal(signer.identity, testCase.identity);
      assert.equal(signer.issuer, testCase.issuer);
    });

    it(`${testCase.file}: identity by regular expression`, () => {
      const escaped = testCase.identity.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      const signer = verifyBundle(
        parseBundle(json),
        target,
        keyless({
          identity: { regexp: new RegExp(`^${escaped}$`) },
          issuer: { regexp: /^https:/ },
        }),
      );
      assert.equal(signer.identity, testCase.identity);
    });

    it(`${testCase.file}: identity and issuer mismatches`, () => {
      expectCode('IDENTITY_MISMATCH', () =>
        verifyBundle(
          parseBundle(json),
          target,
          keyless({ identity: { exact: 'nobody@example.com' } }),
        ),
      );
      expectCode('ISSUER_MISMATCH', () =>
        verifyBundle(
          parseBundle(json),
          target,
          keyless({ issuer: { exact: 'https://accounts.google.com' } }),
        ),
      );
    });

    it(`${testCase.file}: another image digest fails`, () => {
      expectCode('DIGEST_MISMATCH', () =>
        verifyBundle(parseBundle(json), { ...target, digest: OTHER_DIGEST }, authority),
      );
    });

    it(`${testCase.file}: a tampered statement or signature fails`, () => {
      const payload = Buffer.from(json.dsseEnvelope.payload, 'base64');
      const tamperedPayload = structuredClone(json);
      // Flip a byte inside the predicate (well after the subject) so the subject still matches.
      tamperedPayload.dsseEnvelope.payload = flipByte(payload, payload.length - 10).toString(
        'base64',
      );
      assert.throws(
        () => verifyBundle(parseBundle(tamperedPayload), target, authority),
        SignatureError,
      );
      const tamperedSignature = structuredClone(json);
      const first = tamperedSignature.dsseEnvelope.signatures[0];
      assert.ok(first);
      const raw = Buffer.from(first.sig, 'base64');
      first.sig = flipByte(raw, raw.length - 3).toString('base64');
      assert.throws(
        () => verifyBundle(parseBundle(tamperedSignature), target, authority),
        SignatureError,
      );
    });

    it(`${testCase.file}: fails with a trusted root that lacks its CA`, () => {
      const empty = trustMaterialForRoot(EMPTY_TRUSTED_ROOT);
      assert.throws(
        () => verifyBundle(parseBundle(json), target, keyless({ trust: empty })),
        SignatureError,
      );
    });
  }

  it('a key authority rejects a keyless bundle', () => {
    const json = JSON.parse(text(cases[0]?.file ?? '')) as unknown;
    expectCode('KEY_MISMATCH', () =>
      verifyBundle(
        parseBundle(json),
        { digest: cases[0]?.digest ?? '' },
        keyAuthority(join('legacy-key-ecdsa-p256-busybox', 'cosign.pub')),
      ),
    );
  });

  it('cosign attestations are not image signatures unless asked for', () => {
    const json = JSON.parse(text(cases[1]?.file ?? '')) as unknown;
    expectCode('MALFORMED_SIGNATURE', () =>
      verifyBundle(parseBundle(json), { digest: OTHER_DIGEST }, keyless()),
    );
  });

  it('a document that is not a bundle is malformed', () => {
    expectCode('MALFORMED_SIGNATURE', () => parseBundle({ mediaType: 'nope' }));
  });
});
