/**
 * Label matchers in Alertmanager's syntax (`alertname="Foo"`, `severity=~"warn|crit"`,
 * `{team!="db", env!~"dev.*"}`), with Alertmanager's semantics: regular expressions match the
 * whole value, and a missing label matches as the empty string.
 * See https://prometheus.io/docs/alerting/latest/configuration/#matcher
 */

export type MatchOperator = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  name: string;
  operator: MatchOperator;
  value: string;
  /** The fully anchored expression, for the regex operators. */
  regex?: RegExp;
}

export type ParseResult = { ok: true; matchers: Matcher[] } | { ok: false; error: string };

const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const OPERATORS: readonly MatchOperator[] = ['=~', '!~', '!=', '='];

/** Parses one matcher list: `a="b", c=~d` with or without the surrounding braces. */
export function parseMatchers(text: string): ParseResult {
  let body = text.trim();
  if (body.startsWith('{')) {
    if (!body.endsWith('}')) return { ok: false, error: 'a "{" is not closed by "}"' };
    body = body.slice(1, -1).trim();
  }
  const matchers: Matcher[] = [];
  let rest = body;
  while (rest.length > 0) {
    const parsed = parseOne(rest);
    if (typeof parsed === 'string') return { ok: false, error: parsed };
    matchers.push(parsed.matcher);
    rest = parsed.rest.trimStart();
    if (rest.startsWith(',')) rest = rest.slice(1).trimStart();
    else if (rest.length > 0) return { ok: false, error: `expected "," before "${rest}"` };
  }
  if (matchers.length === 0) return { ok: false, error: 'no matcher given' };
  return { ok: true, matchers };
}

function parseOne(text: string): { matcher: Matcher; rest: string } | string {
  const nameMatch = /^\s*("(?:[^"\\]|\\.)*"|[^\s=!~,"]+)\s*/.exec(text);
  if (!nameMatch?.[1]) return `expected a label name at "${text}"`;
  const rawName = nameMatch[1];
  const name = rawName.startsWith('"') ? unquote(rawName) : rawName;
  if (name === undefined) return `bad quoting in label name ${rawName}`;
  if (!rawName.startsWith('"') && !LABEL_NAME.test(name)) {
    return `"${name}" is not a valid label name`;
  }
  let rest = text.slice(nameMatch[0].length);
  const operator = OPERATORS.find((candidate) => rest.startsWith(candidate));
  if (!operator) return `expected one of = != =~ !~ after "${name}"`;
  rest = rest.slice(operator.length).trimStart();
  const valueMatch = /^("(?:[^"\\]|\\.)*"|[^,"{}]*)/.exec(rest);
  const rawValue = (valueMatch?.[1] ?? '').trim();
  const value = rawValue.startsWith('"') ? unquote(rawValue) : rawValue;
  if (value === undefined) return `bad quoting in the value of "${name}": ${rawValue}`;
  rest = rest.slice(valueMatch?.[0].length ?? 0);
  const matcher: Matcher = { name, operator, value };
  if (operator === '=~' || operator === '!~') {
    try {
      matcher.regex = new RegExp(`^(?:${value})$`, 'u');
    } catch (error) {
      return `"${value}" is not a valid regular expression: ${(error as Error).message}`;
    }
  }
  return { matcher, rest };
}

function unquote(quoted: string): string | undefined {
  try {
    const value: unknown = JSON.parse(quoted);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

export function matchesLabels(matcher: Matcher, labels: Readonly<Record<string, string>>): boolean {
  const value = labels[matcher.name] ?? '';
  switch (matcher.operator) {
    case '=':
      return value === matcher.value;
    case '!=':
      return value !== matcher.value;
    case '=~':
      return matcher.regex?.test(value) ?? false;
    case '!~':
      return !(matcher.regex?.test(value) ?? false);
  }
}

export function matchesAll(
  matchers: readonly Matcher[],
  labels: Readonly<Record<string, string>>,
): boolean {
  return matchers.every((matcher) => matchesLabels(matcher, labels));
}
