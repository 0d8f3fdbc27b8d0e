/**
 * Which templates an alert starts: the templates' matchers compiled once, tried in priority
 * order (higher first, then by namespace/name so the order is stable), stopping at the first
 * match unless that template says `continue` — the semantics of Alertmanager's routing tree.
 */
import type { RemediationTemplate } from '../api/remediation-template.ts';
import { matchesAll, parseMatchers, type Matcher } from './matchers.ts';

export interface CompiledTemplate {
  template: RemediationTemplate;
  /** `namespace/name`. */
  key: string;
  matchers: Matcher[];
}

export type CompileResult =
  { ok: true; compiled: CompiledTemplate } | { ok: false; key: string; error: string };

/** A template with a matcher that does not parse never matches: it is reported, not guessed. */
export function compileTemplate(template: RemediationTemplate): CompileResult {
  const key = templateKey(template);
  const matchers: Matcher[] = [];
  for (const [index, text] of template.spec.match.entries()) {
    const parsed = parseMatchers(text);
    if (!parsed.ok)
      return { ok: false, key, error: `spec.match[${String(index)}]: ${parsed.error}` };
    matchers.push(...parsed.matchers);
  }
  return { ok: true, compiled: { template, key, matchers } };
}

export function templateKey(template: RemediationTemplate): string {
  return `${template.metadata.namespace ?? 'default'}/${template.metadata.name ?? ''}`;
}

/** Sorts for matching: priority descending, then key, so every replica decides alike. */
export function sortTemplates(templates: readonly CompiledTemplate[]): CompiledTemplate[] {
  return [...templates].sort(
    (a, b) =>
      b.template.spec.priority - a.template.spec.priority ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
}

/**
 * The templates an alert matches, in order. A template without matchers matches nothing:
 * an empty `match` is far more likely a mistake than a wish to remediate every alert.
 */
export function matchTemplates(
  sorted: readonly CompiledTemplate[],
  labels: Readonly<Record<string, string>>,
): CompiledTemplate[] {
  const matched: CompiledTemplate[] = [];
  for (const compiled of sorted) {
    if (compiled.matchers.length === 0 || !matchesAll(compiled.matchers, labels)) continue;
    matched.push(compiled);
    if (!compiled.template.spec.continue) break;
  }
  return matched;
}
