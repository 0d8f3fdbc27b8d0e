/**
 * Commits every change of a checkout on a branch of its own (created from HEAD, or reset to it
 * on a retry), with the given author. Nothing to commit is not an error: `changed` says so.
 */
import { defineAction } from '../../../runtime/define-action.ts';
import { resolveInWorkspace } from '../../../lib/git/git-inputs.ts';
import { runGit } from '../../../lib/git/run-git.ts';

interface Inputs {
  directory: string;
  branch: string;
  message: string;
  authorName: string;
  authorEmail: string;
}

export default defineAction<Inputs>(async (context) => {
  const { directory, branch, message, authorName, authorEmail } = context.inputs;
  const { hostPath: cwd } = resolveInWorkspace(context, 'directory', directory);
  const identity = {
    GIT_AUTHOR_NAME: authorName,
    GIT_AUTHOR_EMAIL: authorEmail,
    GIT_COMMITTER_NAME: authorName,
    GIT_COMMITTER_EMAIL: authorEmail,
  };
  const git = (args: string[]) => runGit(args, { cwd, env: identity, signal: context.signal });
  await git(['checkout', '-B', branch]);
  await git(['add', '--all']);
  const staged = (await git(['diff', '--cached', '--name-only'])).split('\n').filter(Boolean);
  if (staged.length > 0) await git(['commit', '--no-verify', '-m', message]);
  const commit = (await git(['rev-parse', 'HEAD'])).trim();
  context.log.info(
    { branch, commit, files: staged },
    staged.length > 0 ? 'committed' : 'nothing to commit',
  );
  return { branch, commit, changed: staged.length > 0, files: staged };
});
