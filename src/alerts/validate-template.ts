/** Offline validation of a RemediationTemplate: shape, matchers, steps and placeholders. */
import {
  remediationTemplateSchema,
  type RemediationTemplate,
} from '../api/remediation-template.ts';
import { fieldPath, problemsFromZod, type Problem, type Validated } from '../workflow/problems.ts';
import { validateSteps } from '../workflow/validate-steps.ts';
import { parseMatchers } from './matchers.ts';
import { scanPlaceholders } from './placeholders.ts';

export function validateRemediationTemplate(document: unknown): Validated<RemediationTemplate> {
  const parsed = remediationTemplateSchema.safeParse(document);
  if (!parsed.success) return { ok: false, problems: problemsFromZod(parsed.error) };
  const { spec } = parsed.data;
  const problems: Problem[] = [];
  spec.match.forEach((text, index) => {
    const result = parseMatchers(text);
    if (!result.ok) problems.push({ path: `spec.match[${index}]`, message: result.error });
  });
  problems.push(...validateSteps(spec.steps));
  const declared = new Set(spec.parameters.map((parameter) => parameter.name));
  const checkText = (text: string, path: string): void => {
    for (const found of scanPlaceholders(text)) {
      if ('error' in found) problems.push({ path, message: found.error });
      else if (found.source === 'params' && !declared.has(found.key)) {
        problems.push({ path, message: `${found.text} names no declared parameter` });
      }
    }
  };
  spec.steps.forEach((step, index) => {
    walkStrings(step.inputs, fieldPath('spec.steps', index, 'inputs'), checkText);
  });
  if (spec.target) checkText(spec.target, 'spec.target');
  spec.parameters.forEach((parameter, index) => {
    if (parameter.pattern === undefined) return;
    try {
      new RegExp(parameter.pattern, 'u');
    } catch (error) {
      problems.push({
        path: fieldPath('spec.parameters', index, 'pattern'),
        message: `not a valid regular expression: ${(error as Error).message}`,
      });
    }
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: parsed.data };
}

function walkStrings(
  value: unknown,
  path: string,
  visit: (text: string, path: string) => void,
): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value))
    value.forEach((item: unknown, index) => {
      walkStrings(item, fieldPath(path, index), visit);
    });
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) walkStrings(item, fieldPath(path, key), visit);
  }
}
