/**
 * Turns the JSON Schema that zod emits into a Kubernetes *structural* schema: every node
 * typed, unions folded into one object, free-form JSON marked to keep unknown fields.
 * See https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#specifying-a-structural-schema
 */
import { z } from 'zod';

export interface StructuralSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  properties?: Record<string, StructuralSchema>;
  required?: string[];
  items?: StructuralSchema;
  additionalProperties?: StructuralSchema;
  enum?: unknown[];
  pattern?: string;
  format?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

type JsonSchema = Record<string, unknown>;

const COPIED_KEYWORDS = [
  'description',
  'enum',
  'pattern',
  'format',
  'default',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'nullable',
] as const;

const STRUCTURAL_TYPES = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);

/** Converts a zod schema to a structural schema for a CRD's openAPIV3Schema. */
export function toStructuralSchema(schema: z.ZodType): StructuralSchema {
  const json = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io: 'input',
    unrepresentable: 'any',
  });
  return convert(json);
}

function convert(node: JsonSchema): StructuralSchema {
  const variants = (node.oneOf ?? node.anyOf) as JsonSchema[] | undefined;
  if (variants) return withCopiedKeywords(mergeVariants(variants.map(convert)), node);

  const out: StructuralSchema = {};
  const type = node.type;
  if (typeof type === 'string' && STRUCTURAL_TYPES.has(type)) {
    out.type = type as StructuralSchema['type'];
  }
  if (node.const !== undefined) out.enum = [node.const];
  withCopiedKeywords(out, node);
  // zod writes a long RFC 3339 regex next to format date-time; the format says it all and
  // Kubernetes checks it.
  if (out.format === 'date-time') delete out.pattern;

  if (out.type === 'object' || node.properties) {
    out.type = 'object';
    const properties = node.properties as Record<string, JsonSchema> | undefined;
    if (properties) {
      out.properties = Object.fromEntries(
        Object.entries(properties).map(([key, value]) => [key, convert(value)]),
      );
      const required = node.required as string[] | undefined;
      if (required?.length) out.required = [...required];
    } else {
      const additional = node.additionalProperties as JsonSchema | boolean | undefined;
      if (typeof additional === 'object' && STRUCTURAL_TYPES.has(String(additional.type))) {
        out.additionalProperties = convert(additional);
      } else {
        out['x-kubernetes-preserve-unknown-fields'] = true;
      }
    }
  } else if (out.type === 'array') {
    out.items = convert((node.items ?? {}) as JsonSchema);
  } else if (out.type === undefined) {
    // Any JSON value: Kubernetes allows an untyped node only when it keeps unknown fields.
    out['x-kubernetes-preserve-unknown-fields'] = true;
  }
  return out;
}

function withCopiedKeywords(out: StructuralSchema, node: JsonSchema): StructuralSchema {
  for (const keyword of COPIED_KEYWORDS) {
    if (node[keyword] !== undefined) (out as Record<string, unknown>)[keyword] = node[keyword];
  }
  return out;
}

/**
 * Folds the variants of a union into one object: a field is required only when every
 * variant requires it, and a discriminator's enum lists every variant's value.
 */
function mergeVariants(variants: StructuralSchema[]): StructuralSchema {
  const [first, ...rest] = variants;
  if (!first) return { 'x-kubernetes-preserve-unknown-fields': true };
  if (variants.some((variant) => variant.type !== first.type)) {
    return { 'x-kubernetes-preserve-unknown-fields': true };
  }
  if (first.type !== 'object') {
    const enums = variants.flatMap((variant) => variant.enum ?? []);
    return enums.length === variants.length
      ? { type: first.type, enum: enums }
      : { type: first.type };
  }
  const properties: Record<string, StructuralSchema> = {};
  for (const variant of variants) {
    for (const [key, value] of Object.entries(variant.properties ?? {})) {
      const known = properties[key];
      properties[key] = known ? mergeVariants([known, value]) : value;
    }
  }
  const required = (first.required ?? []).filter((key) =>
    rest.every((variant) => variant.required?.includes(key)),
  );
  return { type: 'object', properties, ...(required.length ? { required } : {}) };
}
