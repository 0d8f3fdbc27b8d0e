/**
 * An alert's fingerprint, computed exactly as Alertmanager does (prometheus/common
 * model.LabelSet.Fingerprint): FNV-1a 64 over the label names in sorted order, each name and
 * value followed by the separator byte 0xff, printed as 16 hex digits. Old webhook bodies
 * carry no fingerprint (or an empty one); recomputing it gives the same identity Alertmanager
 * uses, so a resolve can find what its firing notification started.
 */

const SEPARATOR = 0xff;

export function fingerprintOf(labels: Readonly<Record<string, string>>): string {
  // FNV-1a 64 in two 32-bit halves (BigInt costs ten times more per byte). The prime is
  // 2^40 + 0x1b3, so h * prime = h * 0x1b3 + (lo << 40): every product stays below 2^53.
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  const add = (byte: number): void => {
    lo = (lo ^ byte) >>> 0;
    const low = lo * 0x1b3;
    hi = (hi * 0x1b3 + lo * 0x100 + Math.floor(low / 0x1_0000_0000)) >>> 0;
    lo = low >>> 0;
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
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');
