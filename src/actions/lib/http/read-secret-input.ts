/**
 * A secret value from a file (a mounted Secret, by container path), else an input, else an
 * environment variable: the ways an action may be handed a webhook URL or a token.
 */
import { readFile } from 'node:fs/promises';
import { ActionError } from '../../runtime/action-error.ts';
import type { ActionContext } from '../../runtime/define-action.ts';

export async function readSecretInput(
  context: ActionContext<unknown>,
  sources: { file?: string | undefined; value?: string | undefined; envName: string; what: string },
): Promise<string | undefined> {
  if (sources.file !== undefined && sources.file !== '') {
    try {
      return (await readFile(context.path(sources.file), 'utf8')).trim();
    } catch {
      throw new ActionError(
        'Failed',
        `cannot read ${sources.what} from ${sources.file} (is the Secret mounted?)`,
      );
    }
  }
  if (sources.value !== undefined && sources.value !== '') return sources.value;
  const fromEnv = context.env[sources.envName];
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}
