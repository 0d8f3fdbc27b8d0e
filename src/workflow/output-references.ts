/**
 * Step output references, `$(steps.<step>.outputs.<key>)`, inside string inputs. One resolver
 * serves both backends, so a reference means the same on Jobs (V1) and Tekton (V2).
 */
import type { JsonObject } from '../api/primitives.ts';

export interface OutputReference {
  step: string;
  key: string;
  /** The reference exactly as written, e.g. $(steps.scale.outputs.replicas). */
  text: string;
}

const REFERENCE_RE = /\$\(steps\.([^.()\s]+)\.outputs\.([^()\s]+)\)/g;
const WHOLE_REFERENCE_RE = /^\$\(steps\.([^.()\s]+)\.outputs\.([^()\s]+)\)$/;

/** Every reference in a JSON value, with the path of the string that holds it. */
export function findOutputReferences(
  value: unknown,
  path: (string | number)[] = [],
): { path: (string | number)[]; reference: OutputReference }[] {
  if (typeof value === 'string') {
    return [...value.matchAll(REFERENCE_RE)].map((match) => ({
      path,
      reference: { step: match[1] ?? '', key: match[2] ?? '', text: match[0] },
    }));
  }
  if (Array.isArray(value)) {
    return value.flatMap((item: unknown, index) => findOutputReferences(item, [...path, index]));
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) =>
      findOutputReferences(item, [...path, key]),
    );
  }
  return [];
}

export type OutputLookup = (step: string) => JsonObject | undefined;

export type ResolveResult =
  { ok: true; value: JsonObject } | { ok: false; missing: OutputReference[] };

/**
 * Replaces references with the outputs they name. A string that is exactly one reference
 * takes the output's JSON value (a number stays a number); a reference inside longer text
 * is replaced by the output as text (JSON for non-strings). Nothing is ever evaluated.
 */
export function resolveOutputReferences(inputs: JsonObject, lookup: OutputLookup): ResolveResult {
  const missing: OutputReference[] = [];
  const find = (reference: OutputReference): { found: boolean; value: unknown } => {
    const outputs = lookup(reference.step);
    if (outputs && Object.hasOwn(outputs, reference.key)) {
      return { found: true, value: outputs[reference.key] };
    }
    missing.push(reference);
    return { found: false, value: undefined };
  };
  const resolve = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const whole = WHOLE_REFERENCE_RE.exec(value);
      if (whole) {
        return find({ step: whole[1] ?? '', key: whole[2] ?? '', text: value }).value;
      }
      return value.replace(REFERENCE_RE, (text, step: string, key: string) => {
        const { found, value: output } = find({ step, key, text });
        if (!found) return text;
        return typeof output === 'string' ? output : JSON.stringify(output);
      });
    }
    if (Array.isArray(value)) return value.map(resolve);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolve(item)]));
    }
    return value;
  };
  const value = resolve(inputs) as JsonObject;
  return missing.length > 0 ? { ok: false, missing } : { ok: true, value };
}
