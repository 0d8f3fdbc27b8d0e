/**
 * Signs an image as current cosign does with a key (`cosign sign --key`): a Sigstore bundle
 * holding a DSSE envelope over cosign's in-toto statement (subject = the image digest,
 * predicate `https://sigstore.dev/cosign/sign/v1`), attached to the image as an OCI 1.1
 * referrer with artifact type `application/vnd.dev.sigstore.bundle.v0.3+json`. No log entry:
 * the key is the trust (the verifier's thresholds for key authorities are 0). The builders are
 * pure; signStoredImage puts the result into a local registry's content store.
 */
import { sign, type KeyObject } from 'node:crypto';
import { bundleToJSON, toDSSEBundle, type BundleWithDsseEnvelope } from '@sigstore/bundle';
import { dsse } from '@sigstore/core';
import {
  COSIGN_SIGN_PREDICATE_TYPE,
  SIGSTORE_BUNDLE_ARTIFACT_TYPE,
} from '../../src/supplychain/cosign/bundle-signature.ts';
import { blobOf, type Blob } from '../registry/build-image.ts';
import type { ContentStore } from '../registry/content-store.ts';

const IN_TOTO = 'application/vnd.in-toto+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';

/** cosign's statement for `cosign sign`: the image as subject, an empty predicate. */
export function cosignStatement(digest: string, name: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name, digest: { sha256: digest.replace(/^sha256:/, '') } }],
      predicateType: COSIGN_SIGN_PREDICATE_TYPE,
      predicate: {},
    }),
  );
}

/** A DSSE bundle over an in-toto statement; keyless when a certificate is given. */
export function signDsseStatement(options: {
  privateKey: KeyObject;
  publicKey: KeyObject;
  statement: Buffer;
  certificate?: Buffer;
}): BundleWithDsseEnvelope {
  const pae = dsse.preAuthEncoding(IN_TOTO, options.statement);
  // DSSE as @sigstore/verify checks it: the key's default digest (SHA-256), or pure Ed25519.
  const signature = sign(
    options.publicKey.asymmetricKeyType === 'ed25519' ? null : 'sha256',
    pae,
    options.privateKey,
  );
  return toDSSEBundle({
    artifact: options.statement,
    artifactType: IN_TOTO,
    signature,
    ...(options.certificate
      ? { certificate: options.certificate, certificateChain: true }
      : { keyHint: '' }),
  });
}

export interface BundleReferrer {
  /** The empty config and the bundle layer, to store as blobs. */
  blobs: Blob[];
  manifest: Blob;
}

/** The referrer manifest cosign pushes for a bundle: empty config, one bundle layer, subject. */
export function buildBundleReferrer(
  bundle: unknown,
  subject: { digest: string; size: number; mediaType?: string },
): BundleReferrer {
  const empty = blobOf(OCI_EMPTY, Buffer.from('{}'));
  const layer = blobOf(SIGSTORE_BUNDLE_ARTIFACT_TYPE, Buffer.from(JSON.stringify(bundle)));
  const manifest = blobOf(
    OCI_MANIFEST,
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        artifactType: SIGSTORE_BUNDLE_ARTIFACT_TYPE,
        config: { mediaType: OCI_EMPTY, digest: empty.digest, size: empty.size },
        layers: [
          { mediaType: SIGSTORE_BUNDLE_ARTIFACT_TYPE, digest: layer.digest, size: layer.size },
        ],
        subject: {
          mediaType: subject.mediaType ?? OCI_MANIFEST,
          digest: subject.digest,
          size: subject.size,
        },
      }),
    ),
  );
  return { blobs: [empty, layer], manifest };
}

/**
 * Signs `registryHost/repository@digest` with a key and stores the bundle as its referrer
 * (the local registry answers the referrers API from its store).
 */
export function signStoredImage(
  store: ContentStore,
  image: { registryHost: string; repository: string; digest: string; size: number },
  key: { privateKey: KeyObject; publicKey: KeyObject },
): void {
  const bundle = signDsseStatement({
    ...key,
    statement: cosignStatement(image.digest, `${image.registryHost}/${image.repository}`),
  });
  const referrer = buildBundleReferrer(bundleToJSON(bundle), image);
  for (const blob of referrer.blobs) store.putBlob(blob.bytes);
  store.putManifest(
    image.repository,
    referrer.manifest.digest,
    referrer.manifest.mediaType,
    referrer.manifest.bytes,
  );
}

/** Signs every image of a list that the store holds (local mode's action images). */
export function signStoredImages(
  store: ContentStore,
  registryHost: string,
  images: ReadonlyArray<{ repository: string; digest: string }>,
  key: { privateKey: KeyObject; publicKey: KeyObject },
): void {
  for (const image of images) {
    const manifest = store.getManifest(image.repository, image.digest);
    if (!manifest) throw new Error(`${image.repository}@${image.digest} is not in the store`);
    signStoredImage(
      store,
      {
        registryHost,
        repository: image.repository,
        digest: image.digest,
        size: manifest.bytes.byteLength,
      },
      key,
    );
  }
}
