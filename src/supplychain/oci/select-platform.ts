/** Picks the entry of an image index (or Docker manifest list) for one platform. */
import type { Descriptor } from './media-types.ts';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export const DEFAULT_PLATFORM = 'linux/amd64';

/** `linux/arm64/v8` → { os, architecture, variant }; undefined when malformed. */
export function parsePlatform(text: string): Platform | undefined {
  const [os, architecture, variant, extra] = text.split('/');
  if (!os || !architecture || extra !== undefined || variant === '') return undefined;
  return { os, architecture, ...(variant ? { variant } : {}) };
}

export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/**
 * The first entry for the platform: os and architecture must match, and the variant when one
 * is wanted. Without a wanted variant an entry without one is preferred (amd64 has none).
 */
export function selectPlatform(
  manifests: readonly Descriptor[],
  wanted: Platform,
): Descriptor | undefined {
  const candidates = manifests.filter(
    (entry) =>
      entry.platform?.os === wanted.os && entry.platform.architecture === wanted.architecture,
  );
  if (wanted.variant !== undefined)
    return candidates.find((entry) => entry.platform?.variant === wanted.variant);
  return candidates.find((entry) => entry.platform?.variant === undefined) ?? candidates[0];
}

/** The platforms an index offers, for an error message. */
export function listPlatforms(manifests: readonly Descriptor[]): string {
  const names = manifests.flatMap((entry) =>
    entry.platform ? [formatPlatform(entry.platform)] : [],
  );
  return names.length > 0 ? names.join(', ') : 'none';
}
