/**
 * The parameters of an on-demand run, checked against what its template declares: unknown
 * names rejected (a typo must not silently fall back to a default), required ones present,
 * defaults filled in, each value matching the declared `pattern` as a whole. Every problem is
 * reported at once, each under `parameters.<name>`.
 */
import type { RemediationTemplateSpec } from '../api/remediation-template.ts';
import type { Problem, Validated } from '../workflow/problems.ts';

type Declared = RemediationTemplateSpec['parameters'];

/** A declared pattern must match the whole value, as Kubernetes' own `pattern` fields do. */
function fullMatch(pattern: string): RegExp | undefined {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch {
    return undefined;
  }
}

export function resolveParameters(
  declared: Declared,
  given: Readonly<Record<string, string>>,
  base = 'parameters',
): Validated<Record<string, string>> {
  const problems: Problem[] = [];
  const known = new Set(declared.map((parameter) => parameter.name));
  for (const name of Object.keys(given)) {
    if (!known.has(name)) {
      const names = [...known].join(', ') || 'none';
      problems.push({
        path: `${base}.${name}`,
        message: `the template declares no such parameter (declared: ${names})`,
      });
    }
  }
  const values: Record<string, string> = {};
  for (const parameter of declared) {
    const path = `${base}.${parameter.name}`;
    const value = Object.hasOwn(given, parameter.name) ? given[parameter.name] : parameter.default;
    if (value === undefined) {
      if (parameter.required) problems.push({ path, message: 'is required' });
      continue;
    }
    if (parameter.pattern !== undefined) {
      const pattern = fullMatch(parameter.pattern);
      if (!pattern) {
        problems.push({ path, message: `the template's pattern ${parameter.pattern} is invalid` });
        continue;
      }
      if (!pattern.test(value)) {
        problems.push({ path, message: `must match ${parameter.pattern}` });
        continue;
      }
    }
    values[parameter.name] = value;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: values };
}
