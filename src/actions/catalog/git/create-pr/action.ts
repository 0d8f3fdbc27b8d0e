/**
 * Pushes the checkout's branch and opens a pull request (GitHub) or merge request (GitLab)
 * for it. The token comes from a mounted Secret file or GIT_TOKEN; it travels only in the
 * push's http.extraHeader and the API's auth header, never in a URL, a log or an output.
 * A retry finds the request its first attempt opened and answers with it.
 */
import { ActionError } from '../../../runtime/action-error.ts';
import { defineAction, type ActionContext } from '../../../runtime/define-action.ts';
import {
  readCredentials,
  resolveInWorkspace,
  type TokenInputs,
} from '../../../lib/git/git-inputs.ts';
import {
  authHeaders,
  buildCreateRequest,
  buildFindRequest,
  isAlreadyExists,
  readPullRequest,
  type ApiRequest,
  type GitProvider,
  type PullRequestSpec,
} from '../../../lib/git/pull-request.ts';
import { runGit, scrub } from '../../../lib/git/run-git.ts';
import { sendRequest, type HttpAnswer } from '../../../lib/http/send-request.ts';

interface Inputs extends TokenInputs {
  directory: string;
  provider: GitProvider;
  apiUrl: string;
  repository: string;
  base: string;
  title: string;
  body: string;
  draft: boolean;
  remote: string;
}

const API_TIMEOUT_MS = 30_000;

function send(
  context: ActionContext<unknown>,
  request: ApiRequest,
  headers: Record<string, string>,
): Promise<HttpAnswer> {
  return sendRequest({
    method: request.method,
    url: request.url,
    headers,
    json: request.body,
    timeoutMs: API_TIMEOUT_MS,
    signal: context.signal,
    label: `${request.method} ${request.url.split('?')[0] ?? ''}`,
  });
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export default defineAction<Inputs>(async (context) => {
  const { directory, provider, apiUrl, repository, base, title, body, draft, remote } =
    context.inputs;
  const { hostPath: cwd } = resolveInWorkspace(context, 'directory', directory);
  const credentials = await readCredentials(context);
  if (credentials === undefined)
    throw new ActionError('Failed', 'no token: mount a Secret and set tokenFile, or set GIT_TOKEN');
  const branch = (await runGit(['rev-parse', '--abbrev-ref', 'HEAD'], { cwd })).trim();
  if (branch === 'HEAD' || branch === base)
    throw new ActionError(
      'Refused',
      `HEAD is on ${branch === 'HEAD' ? 'no branch' : `the base branch ${base}`}: commit on a branch of its own first (git/commit)`,
    );
  await runGit(['push', '--porcelain', '--', remote, `HEAD:refs/heads/${branch}`], {
    cwd,
    credentials,
    signal: context.signal,
  });
  context.log.info({ remote, branch }, 'pushed');

  const spec: PullRequestSpec = {
    provider,
    apiUrl,
    repository,
    head: branch,
    base,
    title,
    body,
    draft,
  };
  const headers = authHeaders(provider, credentials.token);
  const created = await send(context, buildCreateRequest(spec), headers);
  let ref = created.status === 201 ? readPullRequest(provider, parse(created.text)) : undefined;
  let adopted = false;
  if (ref === undefined && isAlreadyExists(provider, created.status, created.text)) {
    const found = await send(context, buildFindRequest(spec), headers);
    ref = found.status === 200 ? readPullRequest(provider, parse(found.text)) : undefined;
    adopted = ref !== undefined;
  }
  if (ref === undefined) {
    const why =
      created.status === 401 || created.status === 403
        ? 'the token was refused'
        : scrub(created.text.slice(0, 300), credentials);
    throw new ActionError(
      'Failed',
      `${provider} answered ${created.status} to the pull request for ${branch}: ${why}`,
    );
  }
  context.log.info(
    { url: ref.url, number: ref.number, adopted },
    adopted ? 'pull request exists' : 'pull request opened',
  );
  return { url: ref.url, number: ref.number, branch, created: !adopted };
});
