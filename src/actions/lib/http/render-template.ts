/**
 * Fills `{{ name }}` placeholders of a JSON template with values, pure and without any code
 * evaluation: the template is walked as data, so a value can never become structure. A string
 * that is only one placeholder takes the value with its JSON type; placeholders inside a
 * longer string are replaced by the value's text (objects as JSON). An unknown name is an error.
 */
import { invalidInput } from '../../runtime/action-error.ts';

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g;
const WHOLE = /^\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}$/;

function lookup(values: Record<string, unknown>, name: string): unknown {
  if (!Object.hasOwn(values, name))
    throw invalidInput('values', `the template uses {{ ${name} }}, which values does not define`);
  return values[name];
}

function renderString(text: string, values: Record<string, unknown>): unknown {
  const whole = WHOLE.exec(text);
  if (whole !== null) return lookup(values, whole[1] ?? '');
  return text.replace(PLACEHOLDER, (_match, name: string) => {
    const value = lookup(values, name);
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}

function renderKey(key: string, values: Record<string, unknown>): string {
  const rendered = renderString(key, values);
  return typeof rendered === 'string' ? rendered : JSON.stringify(rendered);
}

export function renderTemplate(template: unknown, values: Record<string, unknown>): unknown {
  if (typeof template === 'string') return renderString(template, values);
  if (Array.isArray(template)) return template.map((item) => renderTemplate(item, values));
  if (template !== null && typeof template === 'object') {
    return Object.fromEntries(
      Object.entries(template).map(([key, value]) => [
        renderKey(key, values),
        renderTemplate(value, values),
      ]),
    );
  }
  return template;
}
