/**
 * Bundles from a registry without the OCI 1.1 referrers API: the `sha256-<hex>` tag index, and
 * once a registry has answered 404, straight to the tag for a while (one round trip saved).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SIGSTORE_BUNDLE_ARTIFACT_TYPE } from '../../../src/supplychain/cosign/bundle-signature.ts';
import type { RegistryClient } from '../../../src/supplychain/oci/registry-client.ts';
import { RegistrySignatureSource } from '../../../src/supplychain/verify/registry-signature-source.ts';

const digest = (char: string) => `sha256:${char.repeat(64)}`;

function fakeClient(referrersApi: boolean) {
  const calls: string[] = [];
  const referrer = {
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: digest('r'),
    size: 1,
    artifactType: SIGSTORE_BUNDLE_ARTIFACT_TYPE,
  };
  const client = {
    getReferrers: async (_: unknown, subject: string) => {
      calls.push(`referrers ${subject}`);
      return referrersApi ? { manifests: [referrer] } : undefined;
    },
    getManifest: async (_: unknown, reference: string) => {
      calls.push(`manifest ${reference}`);
      const json = reference.startsWith('sha256-')
        ? { manifests: [referrer] }
        : { layers: [{ mediaType: SIGSTORE_BUNDLE_ARTIFACT_TYPE, digest: digest('b'), size: 2 }] };
      return { json, bytes: new Uint8Array(), digest: reference, mediaType: '' };
    },
    getBlob: async (_: unknown, blob: string) => {
      calls.push(`blob ${blob}`);
      return Buffer.from('{"bundle":true}');
    },
  };
  return { calls, client: client as unknown as RegistryClient };
}

describe('Sigstore bundles without a referrers API', () => {
  const image = { registry: '127.0.0.1:5000', repository: 'actions/scale' };

  it('falls back to the tag index, and skips the API for that registry afterwards', async () => {
    const { calls, client } = fakeClient(false);
    const source = new RegistrySignatureSource(client);
    assert.deepEqual(await source.bundles(image, digest('1')), [{ bundle: true }]);
    assert.deepEqual(calls.splice(0), [
      `referrers ${digest('1')}`,
      `manifest sha256-${'1'.repeat(64)}`,
      `manifest ${digest('r')}`,
      `blob ${digest('b')}`,
    ]);
    assert.deepEqual(await source.bundles(image, digest('2')), [{ bundle: true }]);
    assert.equal(calls[0], `manifest sha256-${'2'.repeat(64)}`, 'no second referrers probe');
  });

  it('keeps asking the API of a registry that has one', async () => {
    const { calls, client } = fakeClient(true);
    const source = new RegistrySignatureSource(client);
    await source.bundles(image, digest('1'));
    await source.bundles(image, digest('2'));
    assert.deepEqual(calls.filter((call) => call.startsWith('referrers')).length, 2);
    assert.ok(!calls.some((call) => call.startsWith('manifest sha256-')), 'no tag fallback');
  });
});
