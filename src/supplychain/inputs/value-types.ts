/**
 * Checking one value against a contract type, enum and pattern. Alert labels and annotations
 * are strings, so a string that spells a value of the declared type exactly (`"10"` for an
 * integer, `"true"` for a boolean) is converted; nothing else is.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ContractInput } from '../../api/action-contract.ts';

export type ContractValueType = ContractInput['type'];

const INTEGER_RE = /^-?(0|[1-9][0-9]*)$/;
const NUMBER_RE = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

/** Whether a JSON value has the contract type, as it is. */
export const HAS_TYPE: Record<ContractValueType, (value: unknown) => boolean> = {
  string: (value) => typeof value === 'string',
  integer: (value) => typeof value === 'number' && Number.isSafeInteger(value),
  number: (value) => typeof value === 'number' && Number.isFinite(value),
  boolean: (value) => typeof value === 'boolean',
  object: (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  array: (value) => Array.isArray(value),
};

/** Reads a string that spells a value of the type exactly; undefined when it does not. */
const FROM_STRING: Partial<Record<ContractValueType, (text: string) => unknown>> = {
  integer: (text) =>
    INTEGER_RE.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : undefined,
  number: (text) => (NUMBER_RE.test(text) ? Number(text) : undefined),
  boolean: (text) => (text === 'true' ? true : text === 'false' ? false : undefined),
};

/** The value as the type, converted from its string spelling when it is one; else undefined. */
export function coerceToType(
  value: unknown,
  type: ContractValueType,
): { value: unknown } | undefined {
  if (HAS_TYPE[type](value)) return { value };
  const converted = typeof value === 'string' ? FROM_STRING[type]?.(value) : undefined;
  return converted === undefined ? undefined : { value: converted };
}

/** `a string`, `an integer`. */
export function withArticle(type: string): string {
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}`;
  if (typeof value === 'number')
    return Number.isInteger(value) ? `the integer ${value}` : `the number ${value}`;
  return typeof value === 'boolean' ? `boolean ${value}` : typeof value;
}

/** Why the (already typed) value breaks the enum or pattern, or undefined when it does not. */
export function checkConstraints(
  value: unknown,
  spec: Pick<ContractInput, 'enum' | 'pattern'>,
): string | undefined {
  if (spec.enum !== undefined && !spec.enum.some((allowed) => isDeepStrictEqual(allowed, value))) {
    return `${describeValue(value)} is not one of ${spec.enum.map((allowed) => JSON.stringify(allowed)).join(', ')}`;
  }
  if (
    spec.pattern !== undefined &&
    typeof value === 'string' &&
    !fullMatch(spec.pattern).test(value)
  ) {
    return `${describeValue(value)} does not match the pattern ${spec.pattern}`;
  }
  return undefined;
}

const patterns = new Map<string, RegExp>();

/** The pattern anchored at both ends: it must match the whole value. */
function fullMatch(pattern: string): RegExp {
  let compiled = patterns.get(pattern);
  if (!compiled) {
    compiled = new RegExp(`^(?:${pattern})$`, 'u');
    if (patterns.size > 1_000) patterns.clear();
    patterns.set(pattern, compiled);
  }
  return compiled;
}
