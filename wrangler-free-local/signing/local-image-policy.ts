/**
 * Local mode's image policy: the local registry's action repositories must be signed by the
 * local signing key (enforce); anything else is rejected (fail closed), as in production.
 */
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { stringify } from 'yaml';
import { ACTION_REPOSITORY_PREFIX } from '../action-images.ts';

export const LOCAL_POLICY_RULE = 'local-actions';
export const LOCAL_KEY_AUTHORITY = 'local-signing-key';

/** The policy document (pure): one enforced rule for `<registry>/kubernaut/actions/**`. */
export function buildLocalImagePolicy(registryHost: string, publicKeyFile: string): string {
  return `# Written by local mode at every start (wrangler-free-local/signing/local-image-policy.ts).\n${stringify(
    {
      apiVersion: 'kubernaut.ai/v1alpha1',
      kind: 'ImagePolicy',
      defaultAction: 'reject',
      rules: [
        {
          name: LOCAL_POLICY_RULE,
          images: [`${registryHost}/${ACTION_REPOSITORY_PREFIX}/**`],
          mode: 'enforce',
          authorities: [{ name: LOCAL_KEY_AUTHORITY, key: { file: publicKeyFile } }],
        },
      ],
    },
  )}`;
}

/** Writes `<dir>/image-policy.yaml`, naming the key file beside it; returns its path. */
export async function writeLocalImagePolicy(
  dir: string,
  registryHost: string,
  publicKeyPath: string,
): Promise<string> {
  const path = join(dir, 'image-policy.yaml');
  await writeFile(path, buildLocalImagePolicy(registryHost, basename(publicKeyPath)));
  return path;
}
