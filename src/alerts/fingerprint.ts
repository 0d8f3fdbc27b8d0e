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
  const addText = (text: string): void => {
    // ASCII (nearly every label) is its own UTF-8: no encoding, no allocation.
    if (Buffer.byteLength(text, 'utf8') !== text.length) {
      for (const byte of Buffer.from(text, 'utf8')) add(byte);
      return;
    }
    for (let at = 0; at < text.length; at++) add(text.charCodeAt(at));
  };
  // Go sorts label names by byte order. JS string order is UTF-16 order, which is the same
  // except between surrogates (astral characters) and U+E000..U+FFFF: compare UTF-8 bytes
  // only when a name holds a surrogate.
  const names = Object.keys(labels);
  if (names.some((name) => SURROGATE.test(name))) names.sort(byUtf8);
  else names.sort();
  for (const name of names) {
    addText(name);
    add(SEPARATOR);
    addText(labels[name] ?? '');
    add(SEPARATOR);
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

const SURROGATE = /[\ud800-\udfff]/;

const byUtf8 = (a: string, b: string): number =>
  Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
