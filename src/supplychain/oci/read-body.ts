/** Reading response bodies within a size cap, and streaming a blob while hashing it. */
import { RegistryError, type RegistryErrorCode } from './registry-error.ts';
import { assertDigest, hasherFor } from './digest.ts';

/** Reads a whole body, failing with `code` once it passes `maxBytes`. */
export async function readCapped(
  body: AsyncIterable<Uint8Array>,
  maxBytes: number,
  tooLarge: () => RegistryError,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (total > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/**
 * Passes a blob's chunks through while counting and hashing them; after the last chunk the
 * digest must be the one asked for. A consumer that stops early ends the download (and has
 * then trusted no byte it did not read: the digest is checked only over a complete blob).
 */
export async function* verifyWhileStreaming(
  body: AsyncIterable<Uint8Array> & { destroy?: (error?: Error) => unknown },
  options: { image: string; digest: string; maxBytes: number; tooLargeCode: RegistryErrorCode },
): AsyncGenerator<Uint8Array, void, undefined> {
  const hash = hasherFor(options.digest);
  let total = 0;
  let complete = false;
  try {
    for await (const chunk of body) {
      total += chunk.byteLength;
      if (total > options.maxBytes) {
        throw new RegistryError(
          options.tooLargeCode,
          options.image,
          `blob ${options.digest} is larger than the limit of ${options.maxBytes} bytes`,
        );
      }
      hash.update(chunk);
      yield chunk;
    }
    complete = true;
  } finally {
    if (!complete) body.destroy?.();
  }
  const algorithm = options.digest.slice(0, options.digest.indexOf(':'));
  assertDigest(options.image, `blob`, options.digest, `${algorithm}:${hash.digest('hex')}`);
}
