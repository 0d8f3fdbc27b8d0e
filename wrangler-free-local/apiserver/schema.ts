// Structural openAPIV3Schema handling for custom resources, in the order the apiextensions
// server applies it: prune unknown fields, apply defaults, validate. Pure functions; the
// causes carry the JSON path (`spec.steps[0].name`) and the reasons of field.ErrorType.

import { removeKey } from './patch.ts';
import type { StatusCause } from './status-error.ts';

export interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  nullable?: boolean;
  default?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
}

type JsonMap = Record<string, unknown>;

function isMap(v: unknown): v is JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function childPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

const ROOT_KEPT = new Set(['apiVersion', 'kind', 'metadata']);

/** Removes fields the schema does not declare; returns the removed paths. */
export function pruneUnknownFields(
  schema: Schema,
  value: unknown,
  path = '',
  root = true,
): string[] {
  const pruned: string[] = [];
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((item, i) =>
      pruned.push(...pruneUnknownFields(schema.items ?? {}, item, `${path}[${i}]`, false)),
    );
    return pruned;
  }
  if (!isMap(value)) return pruned;
  const keepUnknown = schema['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = root || schema['x-kubernetes-embedded-resource'] === true;
  for (const key of Object.keys(value)) {
    const declared = schema.properties?.[key];
    const additional = schema.additionalProperties;
    if (embedded && ROOT_KEPT.has(key) && declared?.properties === undefined) continue;
    if (declared !== undefined)
      pruned.push(...pruneUnknownFields(declared, value[key], childPath(path, key), false));
    else if (isMap(additional))
      pruned.push(...pruneUnknownFields(additional, value[key], childPath(path, key), false));
    else if (!keepUnknown && additional !== true) {
      removeKey(value, key);
      pruned.push(childPath(path, key));
    }
  }
  return pruned;
}

/** Fills missing fields that declare a default, recursively (mutates `value`). */
export function applyDefaults(schema: Schema, value: unknown): void {
  if (Array.isArray(value)) {
    if (schema.items !== undefined) for (const item of value) applyDefaults(schema.items, item);
    return;
  }
  if (!isMap(value)) return;
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    // A null where null is not allowed is pruned and then defaulted, as the real server does.
    if (value[key] === null && prop.nullable !== true && prop.default !== undefined)
      removeKey(value, key);
    if (value[key] === undefined && prop.default !== undefined)
      value[key] = structuredClone(prop.default);
    if (value[key] !== undefined) applyDefaults(prop, value[key]);
  }
  if (isMap(schema.additionalProperties)) {
    for (const key of Object.keys(value)) {
      if (schema.properties?.[key] === undefined)
        applyDefaults(schema.additionalProperties, value[key]);
    }
  }
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function matchesType(schema: Schema, v: unknown): boolean {
  if (schema['x-kubernetes-int-or-string'] === true)
    return typeof v === 'string' || Number.isInteger(v);
  const actual = typeName(v);
  switch (schema.type) {
    case undefined:
      return true;
    case 'number':
      return actual === 'number' || actual === 'integer';
    default:
      return actual === schema.type;
  }
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function checkFormat(format: string, v: string): boolean {
  switch (format) {
    case 'date-time':
      return DATE_TIME.test(v) && !Number.isNaN(Date.parse(v));
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(v);
    case 'uuid':
      return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);
    default:
      return true;
  }
}

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v);
}

function invalid(field: string, v: unknown, detail: string): StatusCause {
  return { reason: 'FieldValueInvalid', field, message: `Invalid value: ${show(v)}: ${detail}` };
}

function validateScalar(schema: Schema, v: unknown, path: string, out: StatusCause[]): void {
  if (
    schema.enum !== undefined &&
    !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))
  ) {
    const supported = schema.enum.map((e) => show(e)).join(', ');
    out.push({
      reason: 'FieldValueNotSupported',
      field: path,
      message: `Unsupported value: ${show(v)}: supported values: ${supported}`,
    });
  }
  if (typeof v === 'string') validateString(schema, v, path, out);
  if (typeof v === 'number') validateNumber(schema, v, path, out);
}

const PATTERNS = new Map<string, RegExp>();

/** Compiled once per pattern: CRD schemas are validated on every write. */
function compilePattern(pattern: string): RegExp {
  let re = PATTERNS.get(pattern);
  if (re === undefined) {
    re = new RegExp(pattern, 'u');
    PATTERNS.set(pattern, re);
  }
  return re;
}

function validateString(schema: Schema, v: string, path: string, out: StatusCause[]): void {
  if (schema.minLength !== undefined && Array.from(v).length < schema.minLength) {
    out.push(invalid(path, v, `${path} in body should be at least ${schema.minLength} chars long`));
  }
  if (schema.maxLength !== undefined && Array.from(v).length > schema.maxLength) {
    out.push({
      reason: 'FieldValueTooLong',
      field: path,
      message: `Too long: may not be more than ${schema.maxLength} bytes`,
    });
  }
  if (schema.pattern !== undefined && !compilePattern(schema.pattern).test(v)) {
    out.push(invalid(path, v, `${path} in body should match '${schema.pattern}'`));
  }
  if (schema.format !== undefined && !checkFormat(schema.format, v)) {
    out.push(invalid(path, v, `${path} in body must be of type ${schema.format}: ${show(v)}`));
  }
}

function validateNumber(schema: Schema, v: number, path: string, out: StatusCause[]): void {
  const { minimum, maximum } = schema;
  if (minimum !== undefined && (schema.exclusiveMinimum === true ? v <= minimum : v < minimum)) {
    const rel = schema.exclusiveMinimum === true ? 'greater than' : 'greater than or equal to';
    out.push(invalid(path, v, `${path} in body should be ${rel} ${minimum}`));
  }
  if (maximum !== undefined && (schema.exclusiveMaximum === true ? v >= maximum : v > maximum)) {
    const rel = schema.exclusiveMaximum === true ? 'less than' : 'less than or equal to';
    out.push(invalid(path, v, `${path} in body should be ${rel} ${maximum}`));
  }
}

function validateObject(schema: Schema, v: JsonMap, path: string, out: StatusCause[]): void {
  for (const key of schema.required ?? []) {
    if (v[key] === undefined)
      out.push({
        reason: 'FieldValueRequired',
        field: childPath(path, key),
        message: 'Required value',
      });
  }
  const count = Object.keys(v).length;
  if (schema.minProperties !== undefined && count < schema.minProperties) {
    out.push(
      invalid(
        path,
        count,
        `${path} in body should have at least ${schema.minProperties} properties`,
      ),
    );
  }
  if (schema.maxProperties !== undefined && count > schema.maxProperties) {
    out.push({
      reason: 'FieldValueTooMany',
      field: path,
      message: `Too many: ${count}: must have at most ${schema.maxProperties} items`,
    });
  }
  for (const [key, child] of Object.entries(v)) {
    const prop =
      schema.properties?.[key] ??
      (isMap(schema.additionalProperties) ? schema.additionalProperties : undefined);
    if (prop !== undefined) collectCauses(prop, child, childPath(path, key), out);
  }
}

function validateArray(schema: Schema, v: unknown[], path: string, out: StatusCause[]): void {
  if (schema.minItems !== undefined && v.length < schema.minItems) {
    out.push(
      invalid(path, v.length, `${path} in body should have at least ${schema.minItems} items`),
    );
  }
  if (schema.maxItems !== undefined && v.length > schema.maxItems) {
    out.push({
      reason: 'FieldValueTooMany',
      field: path,
      message: `Too many: ${v.length}: must have at most ${schema.maxItems} items`,
    });
  }
  if (schema.items !== undefined)
    v.forEach((item, i) => {
      collectCauses(schema.items ?? {}, item, `${path}[${i}]`, out);
    });
}

function collectCauses(schema: Schema, v: unknown, path: string, out: StatusCause[]): void {
  if (v === null) {
    if (schema.nullable !== true && schema.type !== undefined) {
      out.push({
        reason: 'FieldValueTypeInvalid',
        field: path,
        message: `Invalid value: "null": ${path} in body must be of type ${schema.type}: "null"`,
      });
    }
    return;
  }
  if (!matchesType(schema, v)) {
    const actual = typeName(v);
    out.push({
      reason: 'FieldValueTypeInvalid',
      field: path,
      message: `Invalid value: "${actual}": ${path} in body must be of type ${schema.type ?? 'int-or-string'}: "${actual}"`,
    });
    return;
  }
  for (const sub of schema.allOf ?? []) collectCauses(sub, v, path, out);
  if (
    schema.anyOf !== undefined &&
    !schema.anyOf.some((s) => validateAgainstSchema(s, v, path).length === 0)
  ) {
    out.push(invalid(path, v, `${path} in body must match at least one schema (anyOf)`));
  }
  if (
    schema.oneOf !== undefined &&
    schema.oneOf.filter((s) => validateAgainstSchema(s, v, path).length === 0).length !== 1
  ) {
    out.push(invalid(path, v, `${path} in body must match exactly one schema (oneOf)`));
  }
  if (Array.isArray(v)) validateArray(schema, v, path, out);
  else if (isMap(v)) validateObject(schema, v, path, out);
  else validateScalar(schema, v, path, out);
}

/** All schema violations of `value`, each with the JSON path of the offending field. */
export function validateAgainstSchema(schema: Schema, value: unknown, path = ''): StatusCause[] {
  const out: StatusCause[] = [];
  collectCauses(schema, value, path, out);
  return out;
}
