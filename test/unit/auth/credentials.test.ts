import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CredentialStore } from '../../../src/auth/credential-store.ts';
import {
  CredentialsFileError,
  loadCredentialsFile,
  parseCredentialsFile,
} from '../../../src/auth/credentials-file.ts';
import { parseAuthorization } from '../../../src/auth/parse-authorization.ts';
import { readCredentials } from '../../../src/auth/reload-credentials.ts';
import { hasScope } from '../../../src/auth/scopes.ts';

const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('parseAuthorization', () => {
  const cases: [string | undefined, ReturnType<typeof parseAuthorization>][] = [
    [undefined, undefined],
    ['', undefined],
    ['Bearer abc', { kind: 'bearer', token: 'abc' }],
    ['bearer   abc ', { kind: 'bearer', token: 'abc' }],
    ['Bearer', undefined],
    ['Bearer a b', undefined],
    ['Token abc', undefined],
    [basic('am', 'pa:ss'), { kind: 'basic', username: 'am', password: 'pa:ss' }],
    [basic('am', ''), { kind: 'basic', username: 'am', password: '' }],
    [`Basic ${Buffer.from('nocolon').toString('base64')}`, undefined],
    ['Basic !!!', undefined],
  ];
  for (const [header, expected] of cases) {
    it(`${JSON.stringify(header)} → ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(parseAuthorization(header), expected);
    });
  }
});

describe('CredentialStore', () => {
  const store = new CredentialStore([
    { kind: 'bearer', secret: 'old-token-0123456789', name: 'bot', scopes: ['run'] },
    { kind: 'bearer', secret: 'new-token-0123456789', name: 'bot', scopes: ['run'] },
    { kind: 'basic', secret: 'am:password1', name: 'am', scopes: ['alerts'] },
  ]);

  it('accepts every listed token (rotation) and nothing else', () => {
    assert.equal(
      store.authenticate({ kind: 'bearer', token: 'old-token-0123456789' })?.name,
      'bot',
    );
    assert.equal(
      store.authenticate({ kind: 'bearer', token: 'new-token-0123456789' })?.name,
      'bot',
    );
    assert.equal(store.authenticate({ kind: 'bearer', token: 'new-token-012345678' }), undefined);
    assert.equal(store.authenticate({ kind: 'bearer', token: '' }), undefined);
  });

  it('keeps bearer and basic apart', () => {
    assert.equal(
      store.authenticate({ kind: 'basic', username: 'am', password: 'password1' })?.name,
      'am',
    );
    assert.equal(store.authenticate({ kind: 'bearer', token: 'am:password1' }), undefined);
    assert.equal(
      store.authenticate({ kind: 'basic', username: 'am', password: 'nope' }),
      undefined,
    );
  });

  it('replace() swaps the whole set: a removed token stops working', () => {
    const rotating = new CredentialStore([
      { kind: 'bearer', secret: 'a'.repeat(20), name: 'x', scopes: ['read'] },
    ]);
    rotating.replace([{ kind: 'bearer', secret: 'b'.repeat(20), name: 'x', scopes: ['read'] }]);
    assert.equal(rotating.authenticate({ kind: 'bearer', token: 'a'.repeat(20) }), undefined);
    assert.equal(rotating.authenticate({ kind: 'bearer', token: 'b'.repeat(20) })?.name, 'x');
  });
});

describe('hasScope', () => {
  it('admin implies read, run and approve, but not alerts', () => {
    const admin = { name: 'a', scopes: ['admin'] as const };
    assert.equal(hasScope(admin, 'run'), true);
    assert.equal(hasScope(admin, 'approve'), true);
    assert.equal(hasScope(admin, 'alerts'), false);
    assert.equal(hasScope({ name: 'r', scopes: ['read'] }, 'run'), false);
  });
});

describe('credentials file', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubernaut-creds-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads tokens and users with their secret files (relative to the file)', async () => {
    await writeFile(join(dir, 'bot'), 'bot-token-0123456789\n');
    await writeFile(join(dir, 'am-password'), 'am-password-1\n');
    const path = join(dir, 'credentials.yaml');
    await writeFile(
      path,
      [
        'tokens:',
        '  - { name: bot, scopes: [run, read], tokenFile: bot }',
        'users:',
        '  - { username: alertmanager, scopes: [alerts], passwordFile: am-password }',
      ].join('\n'),
    );
    const entries = await loadCredentialsFile(path);
    assert.deepEqual(entries, [
      { kind: 'bearer', secret: 'bot-token-0123456789', name: 'bot', scopes: ['run', 'read'] },
      {
        kind: 'basic',
        secret: 'alertmanager:am-password-1',
        name: 'alertmanager',
        scopes: ['alerts'],
      },
    ]);
  });

  it('reads a bare JSON list as tokens', () => {
    const file = parseCredentialsFile('[{"name":"a","scopes":["read"],"tokenFile":"/x"}]', 'f');
    assert.deepEqual(file, {
      tokens: [{ name: 'a', scopes: ['read'], tokenFile: '/x' }],
      users: [],
    });
  });

  it('names the bad field', () => {
    assert.throws(
      () => parseCredentialsFile('tokens: [{ name: a, scopes: [root], tokenFile: /x }]', 'f'),
      (error: unknown) =>
        error instanceof CredentialsFileError && /tokens\[0\]\.scopes\[0\]/.test(error.message),
    );
    assert.throws(
      () => parseCredentialsFile('tokens: [{ name: a, scopes: [] , tokenFile: x}]', 'f'),
      /at least one scope/,
    );
  });

  it('refuses a short or missing secret without printing it', async () => {
    await writeFile(join(dir, 'short'), 'abc\n');
    const path = join(dir, 'short.yaml');
    await writeFile(path, 'tokens: [{ name: s, scopes: [read], tokenFile: short }]');
    await assert.rejects(loadCredentialsFile(path), (error: Error) => {
      assert.match(error.message, /tokens\[0\]\.tokenFile: .* is 3 characters; at least 16/);
      assert.doesNotMatch(error.message, /abc/);
      return true;
    });
    await writeFile(path, 'tokens: [{ name: s, scopes: [read], tokenFile: missing }]');
    await assert.rejects(loadCredentialsFile(path), /tokens\[0\]\.tokenFile: cannot read/);
  });

  it('rotation: a reload picks up a new token and drops the old one', async () => {
    await writeFile(join(dir, 'rotating'), 'first-token-0123456789\n');
    const path = join(dir, 'rotating.yaml');
    await writeFile(path, 'tokens: [{ name: bot, scopes: [run], tokenFile: rotating }]');
    const store = new CredentialStore(await readCredentials({ file: path }));
    const first = { kind: 'bearer' as const, token: 'first-token-0123456789' };
    const second = { kind: 'bearer' as const, token: 'second-token-0123456789' };
    assert.equal(store.authenticate(first)?.name, 'bot');
    // The kubelet rewrites the mounted Secret; the next reload swaps the set.
    await writeFile(join(dir, 'rotating'), 'second-token-0123456789\n');
    store.replace(await readCredentials({ file: path }));
    assert.equal(store.authenticate(first), undefined);
    assert.equal(store.authenticate(second)?.name, 'bot');
  });
});
