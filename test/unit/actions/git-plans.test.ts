import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseYamlPath, setYamlValues } from '../../../src/actions/lib/git/edit-yaml.ts';
import {
  authHeaders,
  buildCreateRequest,
  isAlreadyExists,
  readPullRequest,
} from '../../../src/actions/lib/git/pull-request.ts';
import { buildGitEnv, scrub } from '../../../src/actions/lib/git/run-git.ts';
import { ActionError } from '../../../src/actions/runtime/action-error.ts';

describe('YAML paths and edits', () => {
  const cases: [string, (string | number)[]][] = [
    ['a', ['a']],
    ['a.b.c', ['a', 'b', 'c']],
    ['items[0].name', ['items', 0, 'name']],
    ['m[2][1]', ['m', 2, 1]],
    ['metadata.annotations["example.com/x"]', ['metadata', 'annotations', 'example.com/x']],
  ];
  for (const [text, path] of cases) {
    it(`parses ${text}`, () => {
      assert.deepEqual(parseYamlPath(text), path);
    });
  }
  for (const bad of ['', 'a..b', 'a[x]', '.a', 'a["b]']) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      assert.throws(() => parseYamlPath(bad), ActionError);
    });
  }

  it('keeps comments and creates missing maps', () => {
    const edit = setYamlValues('# top\na:\n  b: 1 # one\n', { 'a.b': 2, 'a.c.d': 'x' }, 0);
    assert.equal(edit.text, '# top\na:\n  b: 2 # one\n  c:\n    d: x\n');
    assert.deepEqual(edit.previous, { 'a.b': 1, 'a.c.d': null });
  });

  it('edits one document of several, leaving the others byte for byte', () => {
    const source = 'a: 1\n---\nb: {x: 1}   # odd\n---\nc: 3\n';
    const edit = setYamlValues(source, { c: 4 }, 2);
    assert.equal(edit.text, 'a: 1\n---\nb: {x: 1}   # odd\n---\nc: 4\n');
  });

  it('reports no change and leaves the text alone when values are already set', () => {
    const edit = setYamlValues('a:   1\n', { a: 1 }, 0);
    assert.deepEqual(edit, { text: 'a:   1\n', changed: false, previous: { a: 1 } });
  });

  it('refuses to descend into a scalar, and a missing document', () => {
    assert.throws(() => setYamlValues('a: 1\n', { 'a.b': 2 }, 0), /a is a scalar/);
    assert.throws(() => setYamlValues('a: 1\n', { a: 2 }, 1), /no index 1/);
  });
});

describe('pull request calls', () => {
  const spec = {
    provider: 'github' as const,
    apiUrl: 'https://api.github.com/',
    repository: 'acme/app',
    head: 'fix',
    base: 'main',
    title: 'T',
    body: 'B',
    draft: false,
  };

  it('builds the GitHub and GitLab creates', () => {
    assert.deepEqual(buildCreateRequest(spec), {
      method: 'POST',
      url: 'https://api.github.com/repos/acme/app/pulls',
      body: { title: 'T', head: 'fix', base: 'main', body: 'B', draft: false },
    });
    const gitlab = buildCreateRequest({
      ...spec,
      provider: 'gitlab',
      apiUrl: 'https://gl/api/v4',
      repository: 'g/sub/app',
    });
    assert.equal(gitlab.url, 'https://gl/api/v4/projects/g%2Fsub%2Fapp/merge_requests');
  });

  it('reads answers and recognises "already exists"', () => {
    assert.deepEqual(readPullRequest('github', { html_url: 'u', number: 1 }), {
      url: 'u',
      number: 1,
    });
    assert.deepEqual(readPullRequest('gitlab', [{ web_url: 'w', iid: 2 }]), {
      url: 'w',
      number: 2,
    });
    assert.equal(readPullRequest('github', []), undefined);
    assert.equal(
      isAlreadyExists('github', 422, '{"errors":[{"message":"A pull request already exists"}]}'),
      true,
    );
    assert.equal(isAlreadyExists('github', 422, '{"message":"Validation Failed"}'), false);
    assert.equal(isAlreadyExists('gitlab', 409, ''), true);
    assert.equal(authHeaders('gitlab', 't')['private-token'], 't');
  });
});

describe('git credentials', () => {
  it('go into the environment as an http.extraHeader, nowhere else, and are scrubbed', () => {
    const credentials = { username: 'x-access-token', token: 'tok' };
    const env = buildGitEnv({ PATH: '/bin', SECRET_FROM_PARENT: 'no' }, credentials);
    const basic = Buffer.from('x-access-token:tok').toString('base64');
    assert.equal(env.GIT_CONFIG_VALUE_0, `Authorization: Basic ${basic}`);
    assert.equal(env.GIT_TERMINAL_PROMPT, '0');
    assert.equal(env.SECRET_FROM_PARENT, undefined);
    assert.equal(scrub(`fatal: tok and ${basic}`, credentials), 'fatal: [redacted] and [redacted]');
  });
});
