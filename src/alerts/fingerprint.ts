/**
 * An alert's fingerprint, computed exactly as Alertmanager does (prometheus/common
 * model.LabelSet.Fingerprint): FNV-1a 64 over the label names in sorted order, each name and
 * value followed by the separator byte 0xff, printed as 16 hex digits. Old webhook bodies
 * carry no fingerprint (or an empty one); recomputing it gives the same identity Alertmanager
 * uses, so a resolve can find what its firing notification started.
 */

const OFFSET_64 = 14695981039346656037n;
const PRIME_64 = 1099511628211n;
const MASK_64 = (1n << 64n) - 1n;
const SEPARATOR = 0xff;

export function fingerprintOf(labels: Readonly<Record<string, string>>): string {
  let hash = OFFSET_64;
  const add = (byte: number): void => {
    hash = ((hash ^ BigInt(byte)) * PRIME_64) & MASK_64;
  };
  // Go sorts label names by byte order; JS string order is UTF-16 order, the same for
  // everything but astral characters, so compare the UTF-8 bytes to be exact.
  const names = Object.keys(labels).sort((a, b) => Buffer.compare(utf8(a), utf8(b)));
  for (const name of names) {
    for (const byte of utf8(name)) add(byte);
    add(SEPARATOR);
    for (const byte of utf8(labels[name] ?? '')) add(byte);
    add(SEPARATOR);
  }
  return hash.toString(16).padStart(16, '0');
}

const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');
