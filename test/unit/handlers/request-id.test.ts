import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import type { AppEnv } from '../../../handlers/app-env.ts';
import { requestId } from '../../../handlers/request-id.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function app(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.use(requestId());
  routes.get('/id', (c) => c.json({ id: c.var.requestId }));
  routes.get('/fails', (c) => c.json({ id: c.var.requestId }, 503, { 'Retry-After': '1' }));
  return routes;
}

let server: ServerType;
let url = '';
before(async () => {
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app().fetch, port: 0, hostname: '127.0.0.1' }, () => {
      resolve();
    });
  });
  url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
});
after(() => {
  server.close();
});

describe('requestId on a Node server (the header goes onto the Node response)', () => {
  it('answers with a new id in X-Request-Id and in c.var.requestId', async () => {
    const response = await fetch(`${url}/id`);
    const { id } = (await response.json()) as { id: string };
    assert.match(id, UUID);
    assert.equal(response.headers.get('X-Request-Id'), id);
    assert.equal(response.headers.get('content-type'), 'application/json');
  });

  it("keeps the caller's id when it is short and plain, and the handler's own headers", async () => {
    const response = await fetch(`${url}/fails`, { headers: { 'X-Request-Id': 'proxy-42=' } });
    assert.equal(response.status, 503);
    assert.equal(response.headers.get('X-Request-Id'), 'proxy-42=');
    assert.equal(response.headers.get('Retry-After'), '1');
    assert.deepEqual(await response.json(), { id: 'proxy-42=' });
  });

  it('replaces an id with unsafe characters or over 255 characters', async () => {
    for (const offered of ['a b', 'x'.repeat(256), 'id;drop']) {
      const response = await fetch(`${url}/id`, { headers: { 'X-Request-Id': offered } });
      assert.match(response.headers.get('X-Request-Id') ?? '', UUID);
    }
  });
});

describe('requestId without a Node response (app.request)', () => {
  it('sets the header through Hono', async () => {
    const response = await app().request('/id', { headers: { 'X-Request-Id': 'abc' } });
    assert.equal(response.headers.get('X-Request-Id'), 'abc');
    assert.deepEqual(await response.json(), { id: 'abc' });
  });
});
