/**
 * Checks raw inputs against the action's own contract (pure): every problem at once, each
 * naming the field. Defaults are applied, unknown inputs are rejected (a typo must not be
 * silently ignored), strings with a pattern must match it whole.
 *
 * The dispatcher validates before it starts a Job as well (invariant 6); the action checks
 * again because it may be run by hand, by Tekton, or by an older dispatcher.
 */
import type { ActionContract, ContractInput } from '../../api/action-contract.ts';

export type InputCheck =
  { ok: true; inputs: Record<string, unknown> } | { ok: false; problems: string[] };

export function validateInputs(contract: ActionContract, raw: unknown): InputCheck {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, problems: ['inputs: must be a JSON object'] };
  }
  const given = raw as Record<string, unknown>;
  const declared = new Map(contract.spec.inputs.map((input) => [input.name, input]));
  const problems: string[] = [];
  for (const name of Object.keys(given)) {
    if (!declared.has(name)) {
      const known = [...declared.keys()].join(', ') || 'none';
      problems.push(`inputs.${name}: unknown input (the contract declares: ${known})`);
    }
  }
  const inputs: Record<string, unknown> = {};
  for (const input of contract.spec.inputs) {
    const value = given[input.name] ?? input.default;
    if (value === undefined) {
      if (input.required) problems.push(`inputs.${input.name}: required`);
      continue;
    }
    const problem = checkValue(input, value);
    if (problem) problems.push(`inputs.${input.name}: ${problem}`);
    else inputs[input.name] = value;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, inputs };
}

function checkValue(input: ContractInput, value: unknown): string | undefined {
  const actual = valueTypeOf(value);
  const fits =
    input.type === 'number' ? actual === 'number' || actual === 'integer' : actual === input.type;
  if (!fits) return `must be ${article(input.type)} ${input.type}, got ${describe(value, actual)}`;
  if (input.enum && !input.enum.some((allowed) => sameValue(allowed, value))) {
    return `must be one of ${input.enum.map((allowed) => JSON.stringify(allowed)).join(', ')}, got ${JSON.stringify(value)}`;
  }
  if (input.pattern !== undefined && typeof value === 'string') {
    if (!new RegExp(`^(?:${input.pattern})$`, 'u').test(value)) {
      return `${JSON.stringify(value)} does not match the pattern ${input.pattern}`;
    }
  }
  return undefined;
}

export type ValueType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | 'null';

export function valueTypeOf(value: unknown): ValueType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  return 'object';
}

const article = (type: string): string => (/^[aeiou]/.test(type) ? 'an' : 'a');

function describe(value: unknown, type: ValueType): string {
  if (type === 'object' || type === 'array') return type;
  return `${type} ${JSON.stringify(value)}`;
}

const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
