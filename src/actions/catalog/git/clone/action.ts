/**
 * Clones a repository into the run's workspace, the first step of the GitOps chain. A retry
 * starts from a clean directory: a half-finished clone from a failed attempt is removed.
 */
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { defineAction } from '../../../runtime/define-action.ts';
import {
  readCredentials,
  resolveInWorkspace,
  type TokenInputs,
} from '../../../lib/git/git-inputs.ts';
import { runGit } from '../../../lib/git/run-git.ts';

interface Inputs extends TokenInputs {
  repository: string;
  branch: string;
  directory: string;
  depth: number;
}

export default defineAction<Inputs>(async (context) => {
  const { repository, branch, directory, depth } = context.inputs;
  const target = resolveInWorkspace(context, 'directory', directory);
  const credentials = await readCredentials(context);
  await rm(target.hostPath, { recursive: true, force: true });
  await mkdir(dirname(target.hostPath), { recursive: true });
  const args = ['clone', '--branch', branch, '--single-branch', '--no-tags'];
  if (depth > 0) args.push('--depth', String(depth));
  await runGit([...args, '--', repository, target.hostPath], {
    cwd: dirname(target.hostPath),
    credentials,
    signal: context.signal,
  });
  const commit = (await runGit(['rev-parse', 'HEAD'], { cwd: target.hostPath })).trim();
  context.log.info({ directory: target.containerPath, branch, commit }, 'cloned');
  return { directory: target.containerPath, branch, commit };
});
