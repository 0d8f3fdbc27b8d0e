/**
 * The pull request calls of GitHub's REST API (POST /repos/{owner}/{repo}/pulls) and GitLab's
 * (POST /projects/{id}/merge_requests), pure: what to send, how to find one that already exists
 * (a retried step adopts it instead of failing), and how to read the answer.
 */
export type GitProvider = 'github' | 'gitlab';

export interface PullRequestSpec {
  provider: GitProvider;
  apiUrl: string;
  repository: string;
  head: string;
  base: string;
  title: string;
  body: string;
  draft: boolean;
}

export interface ApiRequest {
  method: 'GET' | 'POST';
  url: string;
  body?: Record<string, unknown>;
}

export interface PullRequestRef {
  url: string;
  number: number;
}

function join(apiUrl: string, path: string): string {
  return `${apiUrl.replace(/\/+$/, '')}${path}`;
}

export function buildCreateRequest(spec: PullRequestSpec): ApiRequest {
  if (spec.provider === 'github') {
    return {
      method: 'POST',
      url: join(spec.apiUrl, `/repos/${spec.repository}/pulls`),
      body: {
        title: spec.title,
        head: spec.head,
        base: spec.base,
        body: spec.body,
        draft: spec.draft,
      },
    };
  }
  return {
    method: 'POST',
    url: join(spec.apiUrl, `/projects/${encodeURIComponent(spec.repository)}/merge_requests`),
    body: {
      source_branch: spec.head,
      target_branch: spec.base,
      title: spec.draft ? `Draft: ${spec.title}` : spec.title,
      description: spec.body,
    },
  };
}

/** The open pull request of the same head and base, for a create that says it exists. */
export function buildFindRequest(spec: PullRequestSpec): ApiRequest {
  if (spec.provider === 'github') {
    const owner = spec.repository.split('/')[0] ?? '';
    const query = new URLSearchParams({
      head: `${owner}:${spec.head}`,
      base: spec.base,
      state: 'open',
    });
    return {
      method: 'GET',
      url: join(spec.apiUrl, `/repos/${spec.repository}/pulls?${query.toString()}`),
    };
  }
  const query = new URLSearchParams({
    source_branch: spec.head,
    target_branch: spec.base,
    state: 'opened',
  });
  return {
    method: 'GET',
    url: join(
      spec.apiUrl,
      `/projects/${encodeURIComponent(spec.repository)}/merge_requests?${query.toString()}`,
    ),
  };
}

/** Whether a failed create means "it exists already" (GitHub 422, GitLab 409). */
export function isAlreadyExists(provider: GitProvider, status: number, text: string): boolean {
  return provider === 'github' ? status === 422 && /already exists/i.test(text) : status === 409;
}

export function readPullRequest(provider: GitProvider, value: unknown): PullRequestRef | undefined {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  if (first === null || typeof first !== 'object') return undefined;
  const item = first as Record<string, unknown>;
  const url = provider === 'github' ? item['html_url'] : item['web_url'];
  const number = provider === 'github' ? item['number'] : item['iid'];
  return typeof url === 'string' && typeof number === 'number' ? { url, number } : undefined;
}

/** The provider's authentication header for a token. */
export function authHeaders(provider: GitProvider, token: string): Record<string, string> {
  return provider === 'github'
    ? {
        authorization: `Bearer ${token}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
      }
    : { 'private-token': token, accept: 'application/json' };
}
