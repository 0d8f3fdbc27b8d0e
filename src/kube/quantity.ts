/**
 * Kubernetes resource quantities (`512Mi`, `1.5Gi`, `250m`, `2`, `1e3`) as numbers of base
 * units (bytes, cores), and back in the form people write them. Enough precision for
 * comparing and scaling requests, limits and storage sizes (not for exact arithmetic on
 * exabytes).
 */
const SUFFIXES: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY_RE =
  /^([+-]?[0-9]+(?:\.[0-9]*)?|[+-]?\.[0-9]+)(?:([eE][+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

/** The regular expression of a quantity, for contract patterns and validation messages. */
export const QUANTITY_PATTERN = '[0-9]+(\\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?';

/** The value of a quantity in base units, or undefined when the text is not one. */
export function parseQuantity(text: string | number | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (typeof text === 'number') return Number.isFinite(text) ? text : undefined;
  const match = QUANTITY_RE.exec(text.trim());
  if (!match) return undefined;
  const [, number = '', exponent, suffix = ''] = match;
  const value =
    Number(number) * (exponent ? 10 ** Number(exponent.slice(1)) : (SUFFIXES[suffix] ?? 1));
  return Number.isFinite(value) ? value : undefined;
}

const MI = 2 ** 20;
const GI = 2 ** 30;

/** Bytes as whole Gi when exact, else whole Mi rounded up (never less than asked). */
export function formatBytes(bytes: number): string {
  if (bytes > 0 && bytes % GI === 0) return `${String(bytes / GI)}Gi`;
  return `${String(Math.ceil(bytes / MI))}Mi`;
}

/** Cores as whole cores when exact, else millicores rounded up. */
export function formatCores(cores: number): string {
  const milli = Math.ceil(Math.round(cores * 1e6) / 1e3);
  return milli % 1000 === 0 ? String(milli / 1000) : `${String(milli)}m`;
}

/** A quantity of a resource in its usual notation: cores for cpu, bytes otherwise. */
export function formatQuantity(resource: string, value: number): string {
  return resource === 'cpu' ? formatCores(value) : formatBytes(value);
}
