/**
 * Environment variables as the shipped Deployment sets them (manifests/base/deployment.yaml),
 * so a benchmark's replica runs as a real one does: the same NODE_OPTIONS (heap and
 * young-generation sizes) and the same concurrency.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

const DEPLOYMENT = join(import.meta.dirname, '../../manifests/base/deployment.yaml');

export async function shippedEnv(names: readonly string[]): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const document of parseAllDocuments(await readFile(DEPLOYMENT, 'utf8'))) {
    const deployment = document.toJS() as {
      kind?: string;
      spec?: {
        template?: { spec?: { containers?: { env?: { name: string; value?: string }[] }[] } };
      };
    };
    if (deployment.kind !== 'Deployment') continue;
    for (const variable of deployment.spec?.template?.spec?.containers?.[0]?.env ?? [])
      if (names.includes(variable.name) && variable.value !== undefined)
        env[variable.name] = variable.value;
  }
  return env;
}
