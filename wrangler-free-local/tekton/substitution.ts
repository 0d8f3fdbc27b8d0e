/**
 * Tekton's variable substitution: `$(params.x)`, `$(params["x"])`, `$(tasks.t.results.r)`,
 * `$(context.pipelineRun.name)`… replaced in strings; unknown references stay as written, as
 * Tekton leaves them (its webhook rejects the unknown ones it can see statically).
 */

export type Variables = ReadonlyMap<string, string>;

const REFERENCE_RE = /\$\(([^()$\s]+)\)/g;

/** `params["x"]` and `params['x']` are the same reference as `params.x`. */
function normalizeKey(key: string): string {
  return key.replace(/\[(["'])([^"']+)\1\]/g, '.$2');
}

export function substitute(text: string, variables: Variables): string {
  return text.replace(
    REFERENCE_RE,
    (whole, key: string) => variables.get(normalizeKey(key)) ?? whole,
  );
}

/**
 * Substitutes in an argv-like list: an element that is exactly `$(params.a[*])` expands to
 * all the items of the array parameter `a`, as Tekton does in command and args.
 */
export function substituteList(
  items: readonly string[],
  variables: Variables,
  arrays: ReadonlyMap<string, readonly string[]>,
): string[] {
  return items.flatMap((item) => {
    const star = /^\$\(([^()$\s]+)\[\*\]\)$/.exec(item);
    const array = star ? arrays.get(normalizeKey(star[1] ?? '')) : undefined;
    return array ? [...array] : [substitute(item, variables)];
  });
}

export interface ResultReference {
  task: string;
  result: string;
}

const RESULT_REFERENCE_RE =
  /\$\(tasks\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.results\.([A-Za-z0-9_.-]+?)(\[[^\]]*\])?\)/g;

/** The `$(tasks.<t>.results.<r>)` references in a text: each one orders <t> first. */
export function findResultReferences(text: string): ResultReference[] {
  return [...text.matchAll(RESULT_REFERENCE_RE)].map((match) => ({
    task: match[1] ?? '',
    result: match[3] ?? '',
  }));
}

/** Every string inside a JSON-like value (param values are strings, arrays or objects). */
export function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsOf);
  return [];
}

/** Substitutes inside a param value, keeping its shape. */
export function substituteValue<T>(value: T, variables: Variables): T {
  if (typeof value === 'string') return substitute(value, variables) as T;
  if (Array.isArray(value))
    return value.map((item: unknown) => substituteValue(item, variables)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, substituteValue(item, variables)]),
    ) as T;
  }
  return value;
}
