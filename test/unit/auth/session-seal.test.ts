import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SessionSealer } from '../../../src/auth/session-seal.ts';

const secret = Buffer.from('a'.repeat(40));

describe('SessionSealer', () => {
  it('opens what it sealed, and the cookie does not show the token', () => {
    const sealer = new SessionSealer(secret);
    const session = sealer.newSession('my-secret-token', 1_000, 60_000);
    const sealed = sealer.seal(session);
    assert.ok(!sealed.includes('my-secret-token'));
    assert.ok(!Buffer.from(sealed, 'base64url').toString('latin1').includes('my-secret-token'));
    assert.deepEqual(sealer.open(sealed, 2_000), session);
  });

  it('refuses an expired, tampered, truncated or foreign cookie', () => {
    const sealer = new SessionSealer(secret);
    const sealed = sealer.seal(sealer.newSession('token', 1_000, 60_000));
    assert.equal(sealer.open(sealed, 61_000), undefined, 'expired');
    const raw = Buffer.from(sealed, 'base64url');
    raw[20] = (raw[20] ?? 0) ^ 1;
    assert.equal(sealer.open(raw.toString('base64url'), 2_000), undefined, 'tampered');
    assert.equal(sealer.open(sealed.slice(0, 20), 2_000), undefined, 'truncated');
    assert.equal(sealer.open('not base64 at all!', 2_000), undefined, 'garbage');
    const other = new SessionSealer(Buffer.from('b'.repeat(40)));
    assert.equal(other.open(sealed, 2_000), undefined, 'another key');
    // Replicas with the same secret open each other's sessions.
    assert.equal(new SessionSealer(secret).open(sealed, 2_000)?.token, 'token');
  });

  it('needs a secret of 32 bytes or more', () => {
    assert.throws(() => new SessionSealer(Buffer.from('short')), /at least 32 bytes/);
  });

  it('binds CSRF tokens to the CSRF cookie and to the session', () => {
    const sealer = SessionSealer.random();
    const token = sealer.csrfToken('cookie-1', 'nonce-1');
    assert.equal(sealer.verifyCsrf(token, 'cookie-1', 'nonce-1'), true);
    assert.equal(sealer.verifyCsrf(token, 'cookie-2', 'nonce-1'), false, 'other cookie');
    assert.equal(sealer.verifyCsrf(token, 'cookie-1', 'nonce-2'), false, 'other session');
    assert.equal(sealer.verifyCsrf(token, 'cookie-1', undefined), false, 'logged out');
    assert.equal(sealer.verifyCsrf('', 'cookie-1', 'nonce-1'), false, 'empty');
    assert.equal(
      SessionSealer.random().verifyCsrf(token, 'cookie-1', 'nonce-1'),
      false,
      'other key',
    );
  });
});
