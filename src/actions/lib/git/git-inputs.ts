/**
 * What the git actions share: where the checkout lives in the workspace, and the token, read
 * from a Secret-mounted file or the environment — never an input value, so it never shows in
 * a WorkflowExecution, a log line or the outputs.
 */
import { isAbsolute, normalize } from 'node:path';
import { invalidInput } from '../../runtime/action-error.ts';
import { readSecretInput } from '../http/read-secret-input.ts';
import type { ActionContext } from '../../runtime/define-action.ts';
import type { GitCredentials } from './run-git.ts';

export const WORKSPACE = '/workspace';

/** A relative path that stays inside its parent: no `..` out, not absolute, not empty. */
export function checkInside(field: string, relative: string): string {
  const clean = normalize(relative);
  if (isAbsolute(relative) || clean === '..' || clean.startsWith('../') || clean === '.')
    throw invalidInput(
      field,
      `must be a path inside the workspace, got ${JSON.stringify(relative)}`,
    );
  return clean;
}

/** A path inside the workspace; answers the container path and the host path. */
export function resolveInWorkspace(
  context: ActionContext<unknown>,
  field: string,
  relative: string,
): { containerPath: string; hostPath: string } {
  const containerPath = `${WORKSPACE}/${checkInside(field, relative)}`;
  return { containerPath, hostPath: context.path(containerPath) };
}

export interface TokenInputs {
  tokenFile?: string;
  username: string;
}

/** The token from `tokenFile` (a container path), else GIT_TOKEN; undefined when neither. */
export async function readCredentials(
  context: ActionContext<TokenInputs>,
): Promise<GitCredentials | undefined> {
  const { tokenFile, username } = context.inputs;
  const token = await readSecretInput(context, {
    file: tokenFile,
    envName: 'GIT_TOKEN',
    what: 'the token',
  });
  return token === undefined ? undefined : { username, token };
}
