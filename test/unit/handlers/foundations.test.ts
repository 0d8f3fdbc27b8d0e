import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { z } from 'zod';
import { createApp } from '../../../handlers/app.ts';
import { limitBodySize, readJsonBody, requireContentType } from '../../../handlers/body-limits.ts';
import { HttpError } from '../../../handlers/http-error.ts';
import { AUTH_CHALLENGE, requireScope } from '../../../handlers/require-scope.ts';
import { CredentialStore } from '../../../src/auth/credential-store.ts';
import { localAdminCredential } from '../../../src/auth/local-admin.ts';
import { OnDemandError, type OnDemandErrorCode } from '../../../src/ondemand/on-demand-error.ts';
import { createMetrics } from '../../../src/observability/metrics.ts';

const RUNNER = 'runner-token-0123456789';
const READER = 'reader-token-0123456789';
const LOCAL = 'local-token-0123456789';

function buildApp() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const metrics = createMetrics({ defaultMetrics: false });
  const app = createApp({
    readiness: [],
    logger: pino({ level: 'debug' }, sink),
    httpMetrics: metrics,
  });
  const credentials = new CredentialStore([
    { kind: 'bearer', secret: RUNNER, name: 'runner', scopes: ['run'] },
    { kind: 'bearer', secret: READER, name: 'reader', scopes: ['read'] },
    { kind: 'basic', secret: 'am:am-password', name: 'alertmanager', scopes: ['alerts'] },
    localAdminCredential(LOCAL),
  ]);
  app.post(
    '/run',
    requireScope({ credentials, scope: 'run' }),
    limitBodySize({ maxBytes: 64 }),
    requireContentType(),
    async (c) => {
      const body = z.object({ count: z.number().int() }).parse(await readJsonBody(c));
      return c.json({ caller: c.var.caller.name, count: body.count });
    },
  );
  app.get('/alerts', requireScope({ credentials, scope: 'alerts' }), (c) =>
    c.json({ caller: c.var.caller.name }),
  );
  app.get('/conflict', () => {
    throw new HttpError({
      status: 409,
      code: 'Conflict',
      message: 'already decided',
      details: [{ field: 'spec.approval.decision', message: 'is Approved' }],
    });
  });
  app.get('/boom', () => {
    throw new Error('connect ECONNREFUSED 10.0.0.1:443 secret-internal');
  });
  return { app, lines, metrics };
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const json = (token: string, body: string) => ({
  method: 'POST',
  headers: { ...bearer(token), 'Content-Type': 'application/json' },
  body,
});

describe('auth middleware', () => {
  it('401 with a challenge without credentials, or with unknown ones', async () => {
    const { app } = buildApp();
    for (const headers of [{}, bearer('wrong-token-0123456789'), { Authorization: 'Digest x' }]) {
      const response = await app.request('/run', { method: 'POST', headers });
      assert.equal(response.status, 401);
      assert.equal(response.headers.get('WWW-Authenticate'), AUTH_CHALLENGE);
      assert.equal(((await response.json()) as { error: string }).error, 'Unauthorized');
    }
  });

  it('403 for a token without the scope; the caller name is in the answer, not the token', async () => {
    const { app } = buildApp();
    const response = await app.request('/run', json(READER, '{"count":1}'));
    assert.equal(response.status, 403);
    const body = (await response.json()) as { error: string; message: string };
    assert.equal(body.error, 'Forbidden');
    assert.match(body.message, /reader lacks the "run" scope/);
  });

  it('sets the caller; basic auth and the local-admin token work', async () => {
    const { app } = buildApp();
    const ran = await app.request('/run', json(RUNNER, '{"count":2}'));
    assert.deepEqual(await ran.json(), { caller: 'runner', count: 2 });
    const local = await app.request('/run', json(LOCAL, '{"count":3}'));
    assert.deepEqual(await local.json(), { caller: 'local-admin', count: 3 });
    const basic = `Basic ${Buffer.from('am:am-password').toString('base64')}`;
    const alerts = await app.request('/alerts', { headers: { Authorization: basic } });
    assert.deepEqual(await alerts.json(), { caller: 'alertmanager' });
    // local-admin has every scope, alerts included (local mode's quick start).
    assert.equal((await app.request('/alerts', { headers: bearer(LOCAL) })).status, 200);
  });
});

describe('error mapping', () => {
  it('zod errors → 400 naming the field', async () => {
    const { app } = buildApp();
    const response = await app.request('/run', json(RUNNER, '{"count":"x"}'));
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error: string; details: { field: string }[] };
    assert.equal(body.error, 'InvalidRequest');
    assert.deepEqual(
      body.details.map((d) => d.field),
      ['count'],
    );
  });

  it('malformed JSON → 400, wrong content type → 415, too large → 413', async () => {
    const { app } = buildApp();
    const bad = await app.request('/run', json(RUNNER, '{"count":'));
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: string }).error, 'InvalidJSON');
    const text = await app.request('/run', {
      method: 'POST',
      headers: { ...bearer(RUNNER), 'Content-Type': 'text/plain' },
      body: '{}',
    });
    assert.equal(text.status, 415);
    const large = await app.request(
      '/run',
      json(RUNNER, JSON.stringify({ count: 1, pad: 'x'.repeat(100) })),
    );
    assert.equal(large.status, 413);
    assert.equal(((await large.json()) as { error: string }).error, 'PayloadTooLarge');
  });

  it('HttpError keeps status, code and details; the request id comes back', async () => {
    const { app } = buildApp();
    const response = await app.request('/conflict', { headers: { 'X-Request-Id': 'abc-123' } });
    assert.equal(response.status, 409);
    assert.equal(response.headers.get('X-Request-Id'), 'abc-123');
    assert.deepEqual(await response.json(), {
      error: 'Conflict',
      message: 'already decided',
      details: [{ field: 'spec.approval.decision', message: 'is Approved' }],
      requestId: 'abc-123',
    });
  });

  it('unknown errors → 500 without internals; the log has them', async () => {
    const { app, lines } = buildApp();
    const response = await app.request('/boom');
    assert.equal(response.status, 500);
    const text = await response.text();
    assert.doesNotMatch(text, /ECONNREFUSED|secret-internal/);
    assert.ok(lines.some((line) => JSON.stringify(line).includes('secret-internal')));
  });
});

describe('request logs and metrics', () => {
  it('log the request id, route and caller name, never the token', async () => {
    const { app, lines, metrics } = buildApp();
    await app.request('/run', json(RUNNER, '{"count":1}'));
    await app.request('/run', json(READER, '{"count":1}'));
    const requests = lines.filter((line) => line['msg'] === 'request');
    assert.equal(requests.length, 2);
    assert.equal(requests[0]?.['caller'], 'runner');
    assert.equal(requests[0]?.['route'], '/run');
    assert.equal(typeof requests[0]?.['requestId'], 'string');
    assert.equal(requests[1]?.['status'], 403);
    // Successes are debug lines (a storm of repeats is no storm of logs); refusals are info.
    assert.deepEqual(
      requests.map((line) => line['level']),
      [20, 30],
    );
    const all = JSON.stringify(lines);
    assert.ok(!all.includes(RUNNER) && !all.includes(READER));
    const text = await metrics.registry.metrics();
    assert.match(
      text,
      /kubernaut_http_request_duration_seconds_count\{route="\/run",method="POST",code="200"\} 1/,
    );
  });
});

describe('OnDemandError codes → HTTP', () => {
  const table: [OnDemandErrorCode, number, string][] = [
    ['Invalid', 400, 'InvalidRequest'],
    ['NotFound', 404, 'NotFound'],
    ['Forbidden', 403, 'Forbidden'],
    ['SelfApproval', 403, 'SelfApproval'],
    ['NotAwaitingApproval', 409, 'NotAwaitingApproval'],
    ['AlreadyDecided', 409, 'AlreadyDecided'],
    ['AlreadyFinished', 409, 'AlreadyFinished'],
    ['IdempotencyKeyReused', 422, 'IdempotencyKeyReused'],
    ['Unavailable', 503, 'Unavailable'],
  ];
  for (const [code, status, error] of table) {
    it(`${code} → ${String(status)} ${error}`, async () => {
      const app = createApp({ readiness: [] });
      app.get('/x', () => {
        throw new OnDemandError(code, 'why', [{ path: 'spec.x', message: 'bad' }]);
      });
      const response = await app.request('/x');
      assert.equal(response.status, status);
      const body = (await response.json()) as { error: string; details: unknown };
      assert.equal(body.error, error);
      assert.deepEqual(body.details, [{ field: 'spec.x', message: 'bad' }]);
      assert.equal(response.headers.get('Retry-After'), code === 'Unavailable' ? '5' : null);
    });
  }
});
