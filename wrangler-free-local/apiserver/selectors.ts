// Label and field selectors with the grammar and semantics of apimachinery's
// labels.Parse and fields.ParseSelector; pure, so table tests cover them directly.

export type LabelOperator = 'in' | 'notin' | 'exists' | '!exists' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

export class SelectorError extends Error {}

const KEY_CHARS = /[A-Za-z0-9._/-]/;

/** Splits on commas that are not inside `( )`, as `in (a,b)` holds commas. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

function readKey(text: string): string {
  if (text === '' || !Array.from(text).every((c) => KEY_CHARS.test(c))) {
    throw new SelectorError(`unable to parse requirement: invalid label key "${text}"`);
  }
  return text;
}

function parseSet(text: string, key: string): string[] {
  const match = /^\((.*)\)$/s.exec(text.trim());
  if (match === null) throw new SelectorError(`found '${text}', expected: '('`);
  const values = (match[1] ?? '').split(',').map((v) => v.trim());
  if (values.length === 1 && values[0] === '') {
    throw new SelectorError(`for 'in', 'notin' operators, values set can't be empty (${key})`);
  }
  return values;
}

function parseRequirement(raw: string): LabelRequirement {
  const text = raw.trim();
  if (text.startsWith('!'))
    return { key: readKey(text.slice(1).trim()), operator: '!exists', values: [] };
  const setMatch = /^(\S+)\s+(in|notin)\s*(\(.*\))$/s.exec(text);
  if (setMatch !== null) {
    const key = readKey(setMatch[1] ?? '');
    const operator = setMatch[2] === 'in' ? 'in' : 'notin';
    return { key, operator, values: parseSet(setMatch[3] ?? '', key) };
  }
  const opMatch = /^([^=!<>\s]+)\s*(==|=|!=|<|>)\s*(.*)$/s.exec(text);
  if (opMatch !== null) {
    const key = readKey(opMatch[1] ?? '');
    const value = (opMatch[3] ?? '').trim();
    const op = opMatch[2];
    if (op === '<' || op === '>') {
      if (!/^-?\d+$/.test(value))
        throw new SelectorError(`for 'Gt', 'Lt' operators, the value must be an integer`);
      return { key, operator: op === '<' ? 'lt' : 'gt', values: [value] };
    }
    if (value !== '' && !/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(value)) {
      throw new SelectorError(`unable to parse requirement: invalid label value: "${value}"`);
    }
    return { key, operator: op === '!=' ? 'notin' : 'in', values: [value] };
  }
  return { key: readKey(text), operator: 'exists', values: [] };
}

/** Parses a label selector string; an empty string selects everything. */
export function parseLabelSelector(text: string): LabelRequirement[] {
  if (text.trim() === '') return [];
  return splitTopLevel(text).map(parseRequirement);
}

function matchRequirement(req: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, req.key);
  const value = labels[req.key];
  switch (req.operator) {
    case 'exists':
      return has;
    case '!exists':
      return !has;
    case 'in':
      return has && req.values.includes(value ?? '');
    case 'notin':
      // As in apimachinery: objects without the label match `!=` and `notin`.
      return !has || !req.values.includes(value ?? '');
    case 'gt':
    case 'lt': {
      if (!has || !/^-?\d+$/.test(value ?? '')) return false;
      const n = Number(value);
      const bound = Number(req.values[0]);
      return req.operator === 'gt' ? n > bound : n < bound;
    }
  }
}

export function matchLabels(
  requirements: readonly LabelRequirement[],
  labels: Record<string, string> | undefined,
): boolean {
  const actual = labels ?? {};
  return requirements.every((r) => matchRequirement(r, actual));
}

/** Parses `a=b,c!=d`; `allowed` names the fields the resource supports. */
export function parseFieldSelector(text: string, allowed: readonly string[]): FieldRequirement[] {
  if (text.trim() === '') return [];
  return text.split(',').map((raw) => {
    const match = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/s.exec(raw);
    if (match === null)
      throw new SelectorError(`invalid selector: '${text}'; can't understand '${raw}'`);
    const field = match[1] ?? '';
    if (!allowed.includes(field)) {
      throw new SelectorError(`field label not supported: ${field}`);
    }
    return { field, operator: match[2] === '!=' ? '!=' : '=', value: match[3] ?? '' };
  });
}

/** Reads a dotted path such as `involvedObject.name` from an object; missing is ''. */
export function readFieldPath(obj: unknown, path: string): string {
  let current: unknown = obj;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null) return '';
    current = (current as Record<string, unknown>)[part];
  }
  if (current === undefined || current === null) return '';
  if (typeof current === 'string') return current;
  if (typeof current === 'number' || typeof current === 'boolean') return String(current);
  return JSON.stringify(current);
}

export function matchFields(requirements: readonly FieldRequirement[], obj: unknown): boolean {
  return requirements.every((r) => {
    const actual = readFieldPath(obj, r.field);
    return r.operator === '=' ? actual === r.value : actual !== r.value;
  });
}

/** The `matchLabels` + `matchExpressions` of a metav1.LabelSelector, as requirements. */
export function convertLabelSelector(selector: unknown): LabelRequirement[] {
  if (typeof selector !== 'object' || selector === null) return [];
  const { matchLabels: labels, matchExpressions } = selector as {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
  };
  const reqs: LabelRequirement[] = Object.entries(labels ?? {}).map(([key, v]) => ({
    key,
    operator: 'in',
    values: [v],
  }));
  const ops: Record<string, LabelOperator> = {
    In: 'in',
    NotIn: 'notin',
    Exists: 'exists',
    DoesNotExist: '!exists',
  };
  for (const e of matchExpressions ?? []) {
    const operator = ops[e.operator];
    if (operator !== undefined) reqs.push({ key: e.key, operator, values: e.values ?? [] });
  }
  return reqs;
}

/** Renders requirements back to the selector string form (for Scale status.selector). */
export function formatLabelSelector(reqs: readonly LabelRequirement[]): string {
  return reqs
    .map((r) => {
      switch (r.operator) {
        case 'exists':
          return r.key;
        case '!exists':
          return `!${r.key}`;
        case 'gt':
          return `${r.key}>${r.values[0] ?? ''}`;
        case 'lt':
          return `${r.key}<${r.values[0] ?? ''}`;
        default:
          if (r.values.length === 1)
            return `${r.key}${r.operator === 'in' ? '=' : '!='}${r.values[0] ?? ''}`;
          return `${r.key} ${r.operator} (${r.values.join(',')})`;
      }
    })
    .join(',');
}
