import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createApp } from '../../../handlers/app.ts';

describe('health endpoints', () => {
  it('/healthz answers 200 while the process serves', async () => {
    const app = createApp({ readiness: [{ name: 'never', check: () => 'not yet' }] });
    const response = await app.request('/healthz');
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ok' });
  });

  it('/readyz answers 503 naming each failing check, then 200 when all pass', async () => {
    let synced = false;
    const app = createApp({
      readiness: [
        { name: 'informers', check: () => (synced ? undefined : 'caches not synced') },
        { name: 'api', check: () => Promise.resolve(undefined) },
      ],
    });
    const before = await app.request('/readyz');
    assert.equal(before.status, 503);
    assert.deepEqual(await before.json(), {
      status: 'not ready',
      checks: [{ name: 'informers', reason: 'caches not synced' }],
    });
    synced = true;
    assert.equal((await app.request('/readyz')).status, 200);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const response = await createApp({ readiness: [] }).request('/nope', { method: 'POST' });
    assert.equal(response.status, 404);
    assert.deepEqual(await response.json(), {
      error: 'NotFound',
      message: 'no route for POST /nope',
    });
  });
});
