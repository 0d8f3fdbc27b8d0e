// ObjectMeta rules shared by every resource: names, labels, generateName, timestamps.

import { randomUUID } from 'node:crypto';
import type { StatusCause } from './status-error.ts';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

const SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MESSAGE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

/** Validates metadata.name by the resource's naming rule. */
export function validateName(
  name: string,
  rule: 'subdomain' | 'label',
  field = 'metadata.name',
): StatusCause[] {
  const max = rule === 'label' ? 63 : 253;
  const causes: StatusCause[] = [];
  if (name.length > max) {
    causes.push({
      reason: 'FieldValueInvalid',
      field,
      message: `Invalid value: "${name}": must be no more than ${max} characters`,
    });
  }
  const ok = rule === 'label' ? DNS1123_LABEL.test(name) : DNS1123_SUBDOMAIN.test(name);
  if (!ok) {
    causes.push({
      reason: 'FieldValueInvalid',
      field,
      message: `Invalid value: "${name}": ${rule === 'label' ? LABEL_MESSAGE : SUBDOMAIN_MESSAGE}`,
    });
  }
  return causes;
}

function validateQualifiedKey(key: string, field: string): StatusCause[] {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : '';
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const ok =
    name.length <= 63 &&
    QUALIFIED_NAME.test(name) &&
    (slash < 0 || (prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix)));
  return ok
    ? []
    : [
        {
          reason: 'FieldValueInvalid',
          field,
          message: `Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
        },
      ];
}

export function validateLabels(labels: unknown, field = 'metadata.labels'): StatusCause[] {
  if (labels === undefined || labels === null) return [];
  if (typeof labels !== 'object' || Array.isArray(labels)) {
    return [
      {
        reason: 'FieldValueTypeInvalid',
        field,
        message: 'Invalid value: must be a map of strings',
      },
    ];
  }
  const causes: StatusCause[] = [];
  for (const [key, value] of Object.entries(labels as Record<string, unknown>)) {
    causes.push(...validateQualifiedKey(key, field));
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
      causes.push({
        reason: 'FieldValueInvalid',
        field,
        message: `Invalid value: ${JSON.stringify(value)}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
      });
    }
  }
  return causes;
}

const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** `generateName` plus five random characters, as the names.SimpleNameGenerator. */
export function generateName(base: string): string {
  const prefix = base.length > 58 ? base.slice(0, 58) : base;
  let suffix = '';
  for (let i = 0; i < 5; i++)
    suffix += GENERATE_ALPHABET[Math.floor(Math.random() * GENERATE_ALPHABET.length)] ?? 'x';
  return prefix + suffix;
}

export function generateUid(): string {
  return randomUUID();
}

/** RFC 3339 with second precision, as metav1.Time serializes. */
export function formatTimestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const TOTAL_ANNOTATION_LIMIT = 256 * 1024;

export function validateAnnotations(annotations: unknown): StatusCause[] {
  if (annotations === undefined || annotations === null) return [];
  if (typeof annotations !== 'object' || Array.isArray(annotations)) {
    return [
      {
        reason: 'FieldValueTypeInvalid',
        field: 'metadata.annotations',
        message: 'Invalid value: must be a map of strings',
      },
    ];
  }
  let size = 0;
  for (const [key, value] of Object.entries(annotations as Record<string, unknown>)) {
    size += key.length + (typeof value === 'string' ? value.length : 0);
  }
  return size > TOTAL_ANNOTATION_LIMIT
    ? [
        {
          reason: 'FieldValueTooLong',
          field: 'metadata.annotations',
          message: `Too long: must have at most ${TOTAL_ANNOTATION_LIMIT} bytes`,
        },
      ]
    : [];
}

interface OwnerRef {
  apiVersion?: unknown;
  kind?: unknown;
  name?: unknown;
  uid?: unknown;
  controller?: unknown;
}

/** ValidateOwnerReferences: every reference complete, at most one controller. */
export function validateOwnerReferences(refs: unknown): StatusCause[] {
  if (refs === undefined || refs === null) return [];
  if (!Array.isArray(refs)) {
    return [
      {
        reason: 'FieldValueTypeInvalid',
        field: 'metadata.ownerReferences',
        message: 'Invalid value: must be a list',
      },
    ];
  }
  const causes: StatusCause[] = [];
  const field = 'metadata.ownerReferences';
  const blank = (v: unknown): boolean => typeof v !== 'string' || v === '';
  const owners = refs as OwnerRef[];
  for (const ref of owners) {
    if (blank(ref.apiVersion))
      causes.push({
        reason: 'FieldValueInvalid',
        field: `${field}.apiVersion`,
        message: 'Invalid value: "": version must not be empty',
      });
    if (blank(ref.kind))
      causes.push({
        reason: 'FieldValueInvalid',
        field: `${field}.kind`,
        message: 'Invalid value: "": kind must not be empty',
      });
    if (blank(ref.name))
      causes.push({
        reason: 'FieldValueInvalid',
        field: `${field}.name`,
        message: 'Invalid value: "": name must not be empty',
      });
    if (blank(ref.uid))
      causes.push({
        reason: 'FieldValueInvalid',
        field: `${field}.uid`,
        message: 'Invalid value: "": uid must not be empty',
      });
  }
  const controllers = owners.filter((r) => r.controller === true);
  if (controllers.length > 1) {
    const names = controllers.map((r) => `${String(r.kind)}/${String(r.name)}`).join(', ');
    causes.push({
      reason: 'FieldValueInvalid',
      field,
      message: `Invalid value: ${JSON.stringify(owners)}: Only one reference can have Controller set to true. Found "true" in references for ${names}`,
    });
  }
  return causes;
}
