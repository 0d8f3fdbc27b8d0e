/**
 * Template placeholders: `{{ labels.x }}`, `{{ annotations.y }}`, `{{ params.z }}`. Plain
 * substitution of text, never evaluation: the values end up in JSON inputs, not in a shell.
 */

export type PlaceholderSource = 'labels' | 'annotations' | 'params';

export interface Placeholder {
  source: PlaceholderSource;
  key: string;
  text: string;
}

const ANY_PLACEHOLDER_RE = /\{\{(.*?)\}\}/g;
const PLACEHOLDER_BODY_RE = /^\s*(labels|annotations|params)\.([A-Za-z_][A-Za-z0-9_]*)\s*$/;

/** Every `{{ ... }}` in a text, each either a placeholder or the reason it is not one. */
export function scanPlaceholders(text: string): (Placeholder | { text: string; error: string })[] {
  return [...text.matchAll(ANY_PLACEHOLDER_RE)].map((match) => {
    const body = PLACEHOLDER_BODY_RE.exec(match[1] ?? '');
    if (!body) {
      return {
        text: match[0],
        error: `${match[0]} is not a placeholder: write {{ labels.<name> }}, {{ annotations.<name> }} or {{ params.<name> }}`,
      };
    }
    return { source: body[1] as PlaceholderSource, key: body[2] ?? '', text: match[0] };
  });
}

export type PlaceholderValues = Readonly<
  Record<PlaceholderSource, Readonly<Record<string, string>>>
>;

export type RenderResult = { ok: true; text: string } | { ok: false; missing: string[] };

/** Substitutes placeholders; a missing value is an error, never an empty string. */
export function renderPlaceholders(text: string, values: PlaceholderValues): RenderResult {
  const missing: string[] = [];
  const rendered = text.replace(ANY_PLACEHOLDER_RE, (whole, inner: string) => {
    const body = PLACEHOLDER_BODY_RE.exec(inner);
    const source = body?.[1] as PlaceholderSource | undefined;
    const key = body?.[2];
    const value = source && key !== undefined ? values[source][key] : undefined;
    if (value === undefined) {
      missing.push(whole);
      return whole;
    }
    return value;
  });
  return missing.length > 0 ? { ok: false, missing } : { ok: true, text: rendered };
}

/** Substitutes placeholders in every string of a JSON value; records what was missing. */
export function renderJson(
  value: unknown,
  values: PlaceholderValues,
  missing: Set<string>,
): unknown {
  if (typeof value === 'string') {
    const rendered = renderPlaceholders(value, values);
    if (rendered.ok) return rendered.text;
    for (const text of rendered.missing) missing.add(text);
    return value;
  }
  if (Array.isArray(value)) return value.map((item: unknown) => renderJson(item, values, missing));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, renderJson(item, values, missing)]),
    );
  }
  return value;
}
