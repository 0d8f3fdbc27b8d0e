/**
 * Reads an image policy from YAML: an ImagePolicy document, or a ConfigMap whose
 * `policy.yaml` key holds one (how it is deployed). Errors name the field and the reason.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parse } from 'yaml';
import { compilePolicy, PolicyConfigError, type CompiledPolicy } from './compile-policy.ts';
import { imagePolicySchema, type ImagePolicySpec } from './policy-schema.ts';

export const POLICY_CONFIGMAP_KEY = 'policy.yaml';

export function parsePolicy(text: string, source: string): ImagePolicySpec {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new PolicyConfigError(`${source}: not YAML: ${(error as Error).message}`);
  }
  const unwrapped = unwrapConfigMap(document, source);
  const parsed = imagePolicySchema.safeParse(unwrapped);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (issue) => `${issue.path.map(String).join('.') || '(policy)'}: ${issue.message}`,
    );
    throw new PolicyConfigError(`${source}: invalid image policy:\n  ${lines.join('\n  ')}`);
  }
  return parsed.data;
}

function unwrapConfigMap(document: unknown, source: string): unknown {
  const object = document as { kind?: unknown; data?: Record<string, unknown> } | null;
  if (object?.kind !== 'ConfigMap') return document;
  const inner = object.data?.[POLICY_CONFIGMAP_KEY];
  if (typeof inner !== 'string') {
    throw new PolicyConfigError(`${source}: ConfigMap has no data.${POLICY_CONFIGMAP_KEY}`);
  }
  try {
    return parse(inner);
  } catch (error) {
    throw new PolicyConfigError(
      `${source}: data.${POLICY_CONFIGMAP_KEY} is not YAML: ${(error as Error).message}`,
    );
  }
}

/** Reads, validates and compiles the policy file (relative paths resolve beside it). */
export function loadPolicyFile(path: string, defaultTrustedRoot?: string): CompiledPolicy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new PolicyConfigError(
      `${path}: cannot read the image policy: ${(error as Error).message}`,
    );
  }
  return compilePolicy(parsePolicy(text, path), {
    baseDir: dirname(path),
    ...(defaultTrustedRoot ? { defaultTrustedRoot } : {}),
  });
}
