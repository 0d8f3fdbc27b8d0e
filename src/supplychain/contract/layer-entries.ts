/**
 * The entries of one layer, streamed: the compressed blob is decompressed by what its first
 * bytes say (gzip, zstd or a plain tar, whatever the media type claims) and read as tar
 * (ustar, pax and GNU long names). Uncompressed bytes are capped against decompression bombs.
 */
import { Readable, Transform, pipeline, type TransformCallback } from 'node:stream';
import { createGunzip, createZstdDecompress, gunzipSync, zstdDecompressSync } from 'node:zlib';
import { extract, type Header } from 'tar-stream';
import { RegistryError } from '../oci/registry-error.ts';

export interface LayerEntry {
  header: Header;
  /** The entry's content; read it or leave it (it is skipped when the next entry is asked for). */
  body: AsyncIterable<Buffer> & { resume(): unknown };
}

const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

export function compressionOf(head: Uint8Array): 'gzip' | 'zstd' | 'none' {
  const starts = (magic: number[]) => magic.every((byte, index) => head[index] === byte);
  if (starts(GZIP_MAGIC)) return 'gzip';
  if (starts(ZSTD_MAGIC)) return 'zstd';
  return 'none';
}

export async function* readLayerEntries(
  blob: AsyncIterable<Uint8Array>,
  options: { image: string; digest: string; maxUncompressedBytes: number },
): AsyncGenerator<LayerEntry, void, undefined> {
  const iterator = blob[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  const chunks = (async function* () {
    yield first.value;
    for (let next = await iterator.next(); !next.done; next = await iterator.next())
      yield next.value;
  })();
  const compression = compressionOf(first.value);
  const tar = extract();
  const stages = [
    Readable.from(chunks, { objectMode: false }),
    ...(compression === 'gzip'
      ? [createGunzip()]
      : compression === 'zstd'
        ? [createZstdDecompress()]
        : []),
    capBytes(options),
    tar,
  ] as const;
  // Errors (a digest mismatch at the end, corrupt data) surface through the tar iterator.
  pipeline(stages as unknown as [Readable, Transform], () => undefined);
  let current: { destroy(): unknown } | undefined;
  try {
    for await (const entry of tar) {
      current = entry;
      yield { header: entry.header, body: entry as LayerEntry['body'] };
      // Whatever the consumer left unread is skipped, or the tar reader would wait for it.
      entry.resume();
    }
  } finally {
    // Stopped early (found, or an error): end the entry, the tar reader and the download.
    current?.destroy();
    tar.destroy();
    await iterator.return?.();
  }
}

/**
 * The entries of a layer already read whole (and digest-checked): decompressed in one
 * synchronous call and parsed from memory, so a small layer costs no stream stages and no
 * thread-pool round trips, which on a busy machine each wait for a CPU.
 */
export async function* readWholeLayerEntries(
  bytes: Uint8Array,
  options: { image: string; digest: string; maxUncompressedBytes: number },
): AsyncGenerator<LayerEntry, void, undefined> {
  const tar = extract();
  tar.end(decompressWhole(bytes, options));
  try {
    for await (const entry of tar) {
      yield { header: entry.header, body: entry as LayerEntry['body'] };
      entry.resume();
    }
  } finally {
    tar.destroy();
  }
}

function decompressWhole(
  bytes: Uint8Array,
  options: { image: string; digest: string; maxUncompressedBytes: number },
): Buffer {
  const compression = compressionOf(bytes);
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (compression === 'none') return input;
  // One byte over the cap tells "exactly the cap" from "more than the cap".
  const limit = { maxOutputLength: options.maxUncompressedBytes + 1 };
  let tar: Buffer;
  try {
    tar = compression === 'gzip' ? gunzipSync(input, limit) : zstdDecompressSync(input, limit);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(options);
    throw error;
  }
  if (tar.byteLength > options.maxUncompressedBytes) throw tooLarge(options);
  return tar;
}

function tooLarge(options: { image: string; digest: string; maxUncompressedBytes: number }) {
  return new RegistryError(
    'LAYER_TOO_LARGE',
    options.image,
    `layer ${options.digest} unpacks to more than ${options.maxUncompressedBytes} bytes`,
  );
}

function capBytes(options: {
  image: string;
  digest: string;
  maxUncompressedBytes: number;
}): Transform {
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      total += chunk.byteLength;
      if (total > options.maxUncompressedBytes) {
        callback(tooLarge(options));
        return;
      }
      callback(null, chunk);
    },
  });
}
