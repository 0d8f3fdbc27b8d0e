/** Just enough of the manifest and index shapes to walk them safely; unknown fields pass. */
import { z } from 'zod';
import {
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  INDEX_TYPES,
  IMAGE_MANIFEST_TYPES,
  OCI_INDEX,
  OCI_MANIFEST,
  type ImageIndex,
  type ImageManifest,
} from './media-types.ts';

const descriptorSchema = z.looseObject({
  mediaType: z.string(),
  digest: z
    .string()
    .regex(/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/, 'must be algorithm:encoded'),
  size: z.number().int().min(0),
  artifactType: z.string().optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  platform: z
    .looseObject({ os: z.string(), architecture: z.string(), variant: z.string().optional() })
    .optional(),
});

export const imageManifestSchema = z.looseObject({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  artifactType: z.string().optional(),
  config: descriptorSchema,
  layers: z.array(descriptorSchema),
  subject: descriptorSchema.optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

export const imageIndexSchema = z.looseObject({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  manifests: z.array(descriptorSchema),
  annotations: z.record(z.string(), z.string()).optional(),
});

/**
 * The manifest's media type: the Content-Type when it names a manifest type, else the JSON's
 * own `mediaType`, else what the shape says (OCI allows manifests without the field).
 */
export function manifestMediaTypeOf(
  contentType: string | undefined,
  json: unknown,
): string | undefined {
  const header = contentType?.split(';')[0]?.trim();
  if (header && (IMAGE_MANIFEST_TYPES.has(header) || INDEX_TYPES.has(header))) return header;
  const fields = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
  if (typeof fields.mediaType === 'string') return fields.mediaType;
  if (Array.isArray(fields.manifests)) return OCI_INDEX;
  if (Array.isArray(fields.layers)) return OCI_MANIFEST;
  return header;
}

export function isIndexType(mediaType: string): boolean {
  return mediaType === OCI_INDEX || mediaType === DOCKER_MANIFEST_LIST;
}

export function isImageManifestType(mediaType: string): boolean {
  return mediaType === OCI_MANIFEST || mediaType === DOCKER_MANIFEST;
}

export type ParsedManifest =
  { kind: 'index'; index: ImageIndex } | { kind: 'image'; manifest: ImageManifest };

/** Checks the shape for the media type; the error text names the field at fault. */
export function parseManifestShape(mediaType: string, json: unknown): ParsedManifest | string {
  const schema = isIndexType(mediaType) ? imageIndexSchema : imageManifestSchema;
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`;
  }
  return isIndexType(mediaType)
    ? { kind: 'index', index: parsed.data as ImageIndex }
    : { kind: 'image', manifest: parsed.data as ImageManifest };
}
