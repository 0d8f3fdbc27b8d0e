/**
 * Builds OCI images in memory, byte for byte deterministic (fixed mtimes, owners and
 * compression settings), so the same files give the same digests on every start. Used by the
 * local registry's action images and by the tests' image fixtures.
 */
import { createHash } from 'node:crypto';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { pack, type Header } from 'tar-stream';

export interface ImageFile {
  /** Path in the image, e.g. `/action-contract.yaml` or `etc/` for a directory. */
  path: string;
  content?: string | Uint8Array;
  mode?: number;
  type?: 'file' | 'directory' | 'symlink';
  linkname?: string;
}

export type Compression = 'gzip' | 'zstd' | 'none';

export interface Blob {
  mediaType: string;
  digest: string;
  size: number;
  bytes: Uint8Array;
}

export interface BuiltImage {
  manifest: Blob;
  config: Blob;
  layers: Blob[];
}

export const LAYER_MEDIA_TYPES: Record<Compression, string> = {
  gzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  zstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  none: 'application/vnd.oci.image.layer.v1.tar',
};

export function blobOf(mediaType: string, bytes: Uint8Array): Blob {
  return {
    mediaType,
    digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
    size: bytes.byteLength,
    bytes,
  };
}

/** A tar archive of the files, in the given order, owned by root, mtime 0. */
export async function buildTar(files: readonly ImageFile[]): Promise<Uint8Array> {
  const archive = pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of archive) chunks.push(chunk as Buffer);
  })();
  for (const file of files) {
    const type = file.type ?? 'file';
    const content = type === 'file' ? Buffer.from(file.content ?? '') : Buffer.alloc(0);
    const header: Partial<Header> & { name: string } = {
      name: file.path.replace(/^\/+/, ''),
      type,
      mode: file.mode ?? (type === 'directory' ? 0o755 : 0o644),
      mtime: new Date(0),
      uid: 0,
      gid: 0,
      uname: 'root',
      gname: 'root',
      ...(file.linkname === undefined ? {} : { linkname: file.linkname }),
    };
    await new Promise<void>((resolve, reject) => {
      archive.entry(header, content, (error) => {
        if (error) reject(error);
        else resolve();
      });
    });
  }
  archive.finalize();
  await collected;
  return Buffer.concat(chunks);
}

export function compress(tar: Uint8Array, compression: Compression): Uint8Array {
  if (compression === 'gzip') return gzipSync(tar, { level: 6 });
  if (compression === 'zstd') return zstdCompressSync(tar);
  return tar;
}

export async function buildLayer(
  files: readonly ImageFile[],
  compression: Compression = 'gzip',
): Promise<Blob> {
  return blobOf(LAYER_MEDIA_TYPES[compression], compress(await buildTar(files), compression));
}

export interface ImageSpec {
  /** Layers bottom first, as in a manifest. */
  layers: Blob[];
  platform?: { os: string; architecture: string; variant?: string };
  entrypoint?: string[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** `docker` builds a Docker schema 2 manifest instead of an OCI one. */
  format?: 'oci' | 'docker';
}

export function buildImage(spec: ImageSpec): BuiltImage {
  const platform = spec.platform ?? { os: 'linux', architecture: 'amd64' };
  const docker = spec.format === 'docker';
  const configJson = {
    ...platform,
    created: '1970-01-01T00:00:00Z',
    config: {
      ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
      ...(spec.labels ? { Labels: spec.labels } : {}),
    },
    rootfs: { type: 'layers', diff_ids: spec.layers.map((layer) => layer.digest) },
  };
  const config = blobOf(
    docker
      ? 'application/vnd.docker.container.image.v1+json'
      : 'application/vnd.oci.image.config.v1+json',
    Buffer.from(JSON.stringify(configJson)),
  );
  const descriptor = (blob: Blob) => ({
    mediaType: blob.mediaType,
    digest: blob.digest,
    size: blob.size,
  });
  const mediaType = docker
    ? 'application/vnd.docker.distribution.manifest.v2+json'
    : 'application/vnd.oci.image.manifest.v1+json';
  const manifestJson = {
    schemaVersion: 2,
    mediaType,
    config: descriptor(config),
    layers: spec.layers.map((layer) =>
      docker
        ? { ...descriptor(layer), mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip' }
        : descriptor(layer),
    ),
    ...(spec.annotations ? { annotations: spec.annotations } : {}),
  };
  return {
    manifest: blobOf(mediaType, Buffer.from(JSON.stringify(manifestJson))),
    config,
    layers: spec.layers,
  };
}

/** An OCI index over images, each with its platform. */
export function buildIndex(
  entries: ReadonlyArray<{
    manifest: Blob;
    platform: { os: string; architecture: string; variant?: string };
  }>,
): Blob {
  const mediaType = 'application/vnd.oci.image.index.v1+json';
  const json = {
    schemaVersion: 2,
    mediaType,
    manifests: entries.map((entry) => ({
      mediaType: entry.manifest.mediaType,
      digest: entry.manifest.digest,
      size: entry.manifest.size,
      platform: entry.platform,
    })),
  };
  return blobOf(mediaType, Buffer.from(JSON.stringify(json)));
}
