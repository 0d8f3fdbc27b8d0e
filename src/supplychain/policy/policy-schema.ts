/**
 * The image policy (a file or the `policy.yaml` key of a ConfigMap): ordered rules, the first
 * whose glob covers an image decides. zod is the one source of truth for its shape; every
 * error names the field.
 */
import { z } from 'zod';
import { API_VERSION } from '../../api/group.ts';

const keyAuthoritySchema = z.strictObject({
  name: z.string().min(1).optional(),
  key: z.union([
    z.strictObject({ pem: z.string().includes('-----BEGIN PUBLIC KEY-----') }),
    z.strictObject({ file: z.string().min(1).describe('PEM file, relative to the policy file.') }),
  ]),
});

const keylessSchema = z
  .strictObject({
    identity: z.string().min(1).optional().describe('Certificate SAN (email or URI), exact.'),
    identityRegExp: z.string().min(1).optional(),
    issuer: z.string().min(1).optional().describe('OIDC issuer, exact.'),
    issuerRegExp: z.string().min(1).optional(),
    trustedRoot: z.string().min(1).optional().describe('trusted_root.json; default: policy’s.'),
    requireSct: z.boolean().default(true),
  })
  .refine((value) => (value.identity === undefined) !== (value.identityRegExp === undefined), {
    error: 'give exactly one of identity and identityRegExp',
  })
  .refine((value) => (value.issuer === undefined) !== (value.issuerRegExp === undefined), {
    error: 'give exactly one of issuer and issuerRegExp',
  });

const keylessAuthoritySchema = z.strictObject({
  name: z.string().min(1).optional(),
  keyless: keylessSchema,
});

export const authoritySchema = z.union([keyAuthoritySchema, keylessAuthoritySchema]);
export type AuthoritySpec = z.infer<typeof authoritySchema>;

export const ruleSchema = z
  .strictObject({
    name: z.string().min(1),
    images: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .transform((value) => (typeof value === 'string' ? [value] : value))
      .describe('Globs over registry/repository: * within a path segment, ** across them.'),
    mode: z.enum(['enforce', 'warn']).default('enforce'),
    authorities: z.array(authoritySchema).min(1),
    threshold: z.int().min(1).default(1).describe('At least this many authorities must verify.'),
  })
  .refine((rule) => rule.threshold <= rule.authorities.length, {
    error: 'threshold is larger than the number of authorities',
    path: ['threshold'],
  });
export type RuleSpec = z.infer<typeof ruleSchema>;

export const imagePolicySchema = z
  .strictObject({
    apiVersion: z.literal(API_VERSION),
    kind: z.literal('ImagePolicy'),
    metadata: z.object({ name: z.string().optional() }).optional(),
    defaultAction: z
      .enum(['reject', 'warn'])
      .default('reject')
      .describe('For an image no rule covers: reject (fail closed) or run with a warning.'),
    trustedRoot: z.string().min(1).optional().describe('Default trusted_root.json for keyless.'),
    rules: z.array(ruleSchema).default([]),
  })
  .refine((policy) => new Set(policy.rules.map((rule) => rule.name)).size === policy.rules.length, {
    error: 'rule names must be unique',
    path: ['rules'],
  });
export type ImagePolicySpec = z.infer<typeof imagePolicySchema>;
