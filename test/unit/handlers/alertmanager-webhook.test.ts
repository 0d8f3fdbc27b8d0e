import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import { createApp } from '../../../handlers/app.ts';
import type { AlertmanagerWebhookOptions } from '../../../handlers/alertmanager-webhook.ts';
import type { IntakeSummary } from '../../../src/alerts/intake-outcome.ts';
import { CredentialStore } from '../../../src/auth/credential-store.ts';
import type { WorkflowExecution } from '../../../src/api/workflow-execution.ts';
import { makeTemplate, webhookBody, type AlertInput } from '../../fixtures/alert-templates.ts';
import { startFakeIntake, type FakeIntake } from '../../fixtures/fake-intake.ts';

const PATH = '/api/v1/webhooks/alertmanager';
const ALERTS_TOKEN = 'alertmanager-token-0123456789';
const credentials = new CredentialStore([
  { kind: 'bearer', secret: ALERTS_TOKEN, name: 'alertmanager', scopes: ['alerts'] },
  { kind: 'bearer', secret: 'reader-token-0123456789', name: 'reader', scopes: ['read', 'admin'] },
  { kind: 'basic', secret: 'am:basic-secret', name: 'am-basic', scopes: ['alerts'] },
]);

const crashLooping = (pod: string, extra: Partial<AlertInput> = {}): AlertInput => ({
  labels: { alertname: 'PodCrashLooping', namespace: 'shop', pod },
  ...extra,
});

function appFor(fake: FakeIntake, options: Partial<AlertmanagerWebhookOptions> = {}) {
  return createApp({
    readiness: [],
    credentials,
    alertmanager: {
      intake: { process: (payload) => fake.intake.process(payload), isReady: () => true },
      maxBodyBytes: 64 * 1024,
      ...options,
    },
  });
}

function post(
  app: ReturnType<typeof appFor>,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return Promise.resolve(
    app.request(PATH, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${ALERTS_TOKEN}`,
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
}

async function summaryOf(response: Response): Promise<IntakeSummary> {
  return (await response.json()) as IntakeSummary;
}

describe('POST /api/v1/webhooks/alertmanager: authentication and limits', () => {
  let fake: FakeIntake;
  beforeEach(() => {
    fake = startFakeIntake([makeTemplate('restart')]);
    fake.api.addDeployment('shop', 'cart', ['cart-1', 'cart-2']);
  });

  const errors: [string, Record<string, string>, unknown, number, string][] = [
    [
      'no credentials',
      { Authorization: '' },
      webhookBody([crashLooping('cart-1')]),
      401,
      'Unauthorized',
    ],
    [
      'an unknown token',
      { Authorization: 'Bearer nope' },
      webhookBody([crashLooping('cart-1')]),
      401,
      'Unauthorized',
    ],
    [
      'a token without the alerts scope (admin does not imply it)',
      { Authorization: 'Bearer reader-token-0123456789' },
      webhookBody([crashLooping('cart-1')]),
      403,
      'Forbidden',
    ],
    [
      'a wrong content type',
      { 'Content-Type': 'text/plain' },
      webhookBody([crashLooping('cart-1')]),
      415,
      'UnsupportedMediaType',
    ],
    [
      'a body over the limit',
      {},
      { alerts: [{ labels: { a: 'x'.repeat(70 * 1024) } }] },
      413,
      'PayloadTooLarge',
    ],
    ['a body that is not JSON', {}, '{"alerts": [', 400, 'InvalidJSON'],
    ['a JSON body that is not a webhook payload', {}, { hello: 'world' }, 400, 'InvalidPayload'],
    ['alerts that is not a list', {}, { alerts: 'many' }, 400, 'InvalidPayload'],
  ];
  for (const [title, headers, body, status, code] of errors) {
    it(`answers ${String(status)} ${code} to ${title}`, async () => {
      const withHeaders = { ...headers };
      if (withHeaders.Authorization === '') delete withHeaders.Authorization;
      const app = appFor(fake);
      const response = await app.request(PATH, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(headers.Authorization === '' ? {} : { Authorization: `Bearer ${ALERTS_TOKEN}` }),
          ...withHeaders,
        },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      assert.equal(response.status, status);
      const json = (await response.json()) as { error: string; message: string };
      assert.equal(json.error, code, json.message);
      assert.equal(fake.api.runs.size, 0);
    });
  }

  it('names the field of a payload that is not a webhook payload', async () => {
    const response = await post(appFor(fake), { alerts: [] });
    const json = (await response.json()) as { details: { field: string; message: string }[] };
    assert.deepEqual(json.details, [{ field: 'alerts', message: 'must hold at least one alert' }]);
  });

  it('accepts basic auth, as Alertmanager http_config basic_auth sends it', async () => {
    const basic = Buffer.from('am:basic-secret').toString('base64');
    const response = await post(appFor(fake), webhookBody([crashLooping('cart-1')]), {
      Authorization: `Basic ${basic}`,
    });
    assert.equal(response.status, 200);
  });

  it('answers 503 with Retry-After over the rate limit, never 429', async () => {
    const app = appFor(fake, { rateLimit: { perSecond: 1, burst: 2 } });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let index = 0; index < 4; index++) {
      const response = await post(app, webhookBody([crashLooping('cart-1')]));
      statuses.push(response.status);
      if (response.status === 503) retryAfter = response.headers.get('Retry-After');
    }
    assert.deepEqual(statuses, [200, 200, 503, 503]);
    assert.ok(Number(retryAfter) >= 1);
  });

  it('answers 503 with Retry-After while the caches are not synced', async () => {
    const app = appFor(fake, {
      intake: { process: (payload) => fake.intake.process(payload), isReady: () => false },
    });
    const response = await post(app, webhookBody([crashLooping('cart-1')]));
    assert.equal(response.status, 503);
    assert.equal(response.headers.get('Retry-After'), '5');
  });

  it('answers 503 when overloaded', async () => {
    let release: () => void = () => undefined;
    let entered: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const app = appFor(fake, {
      maxInFlight: 1,
      intake: {
        process: async (payload) => {
          entered();
          await gate;
          return fake.intake.process(payload);
        },
        isReady: () => true,
      },
    });
    const first = post(app, webhookBody([crashLooping('cart-1')]));
    await inside;
    const second = await post(app, webhookBody([crashLooping('cart-2')]));
    assert.equal(second.status, 503);
    assert.match(((await second.json()) as { message: string }).message, /^overloaded/);
    assert.equal(second.headers.get('Retry-After'), '1');
    release();
    assert.equal((await first).status, 200);
  });

  it('answers 503 within its deadline when the Kubernetes API hangs', async () => {
    fake.api.hang = true;
    const response = await post(
      appFor(fake, { deadlineMs: 150 }),
      webhookBody([crashLooping('cart-1')]),
    );
    assert.equal(response.status, 503);
    assert.equal(response.headers.get('Retry-After'), '1');
  });
});

describe('POST /api/v1/webhooks/alertmanager: what each alert becomes', () => {
  let fake: FakeIntake;
  let app: ReturnType<typeof appFor>;
  beforeEach(() => {
    fake = startFakeIntake([
      makeTemplate('restart', { guardrails: { cancelOnResolve: true } }),
      makeTemplate('disk', {
        match: ['alertname="DiskFull"'],
        target: '{{ labels.namespace }}/PersistentVolumeClaim/{{ labels.claim }}',
        guardrails: { cooldown: '10m' },
      }),
    ]);
    fake.api.addDeployment('shop', 'cart', ['cart-1', 'cart-2']);
    app = appFor(fake);
  });

  it('creates one run for an alert, and names it in the summary', async () => {
    const summary = await summaryOf(await post(app, webhookBody([crashLooping('cart-1')])));
    assert.equal(summary.status, 200);
    assert.deepEqual(summary.counts, { created: 1 });
    const [outcome] = summary.alerts;
    assert.equal(outcome?.template, 'default/restart');
    assert.equal(outcome?.target, 'shop/Deployment/cart');
    const run = fake.api.runs.get(`default/${outcome?.run ?? ''}`);
    assert.equal(run?.spec.target, 'shop/Deployment/cart');
    assert.deepEqual(run?.spec.steps[0]?.inputs, { namespace: 'shop', reason: 'crash looping' });
  });

  it('folds repeats into the run: no API call for a hot repeat, occurrences counted', async () => {
    const body = webhookBody([crashLooping('cart-1')]);
    const first = await summaryOf(await post(app, body));
    const calls = fake.api.calls.length;
    for (let index = 0; index < 5; index++) {
      const repeat = await summaryOf(await post(app, body));
      assert.deepEqual(repeat.counts, { duplicate: 1 });
      assert.equal(repeat.alerts[0]?.run, first.alerts[0]?.run);
    }
    assert.equal(fake.api.runs.size, 1);
    assert.equal(fake.api.calls.filter((call) => call === 'create').length, 1);
    assert.ok(fake.api.calls.slice(calls).every((call) => call === 'get' || call === 'status'));
    await fake.occurrences.idle();
    const run = [...fake.api.runs.values()][0];
    assert.equal(run?.status?.occurrences, 6);
    assert.ok(run?.status?.lastSeenAt);
  });

  it('gives two alerts on two pods of one Deployment one run', async () => {
    const summary = await summaryOf(
      await post(
        app,
        webhookBody([
          crashLooping('cart-1'),
          crashLooping('cart-2', { startsAt: '2024-05-01T10:00:07Z' }),
        ]),
      ),
    );
    assert.deepEqual(summary.counts, { created: 1, duplicate: 1 });
    assert.equal(summary.alerts[0]?.run, summary.alerts[1]?.run);
    assert.equal(fake.api.runs.size, 1);
  });

  it('answers 200 with the bad alert rejected and the good one created', async () => {
    const body = webhookBody([crashLooping('cart-1')]);
    (body.alerts as unknown[]).unshift({ labels: { alertname: 'x' }, startsAt: 'never' }, 'junk');
    const summary = await summaryOf(await post(app, body));
    assert.equal(summary.status, 200);
    assert.deepEqual(
      summary.alerts.map((alert) => [alert.index, alert.result, alert.reason]),
      [
        [0, 'rejected', 'alerts[0].startsAt: must be an RFC 3339 timestamp'],
        [1, 'rejected', 'alerts[1]: must be an object, not a string'],
        [2, 'created', undefined],
      ],
    );
  });

  it('reports an alert no template matches as unmatched', async () => {
    const summary = await summaryOf(
      await post(app, webhookBody([{ labels: { alertname: 'Other' } }])),
    );
    assert.deepEqual(summary.counts, { unmatched: 1 });
  });

  it('rejects an alert without what the template needs, naming it', async () => {
    const summary = await summaryOf(
      await post(app, webhookBody([{ labels: { alertname: 'DiskFull', namespace: 'db' } }])),
    );
    assert.equal(summary.alerts[0]?.result, 'rejected');
    assert.match(summary.alerts[0]?.reason ?? '', /\{\{ labels.claim \}\}/);
    assert.equal(fake.api.runs.size, 0);
  });

  it('rejects an alert with no target', async () => {
    const summary = await summaryOf(
      await post(app, webhookBody([{ labels: { alertname: 'PodCrashLooping' } }])),
    );
    assert.equal(summary.alerts[0]?.result, 'rejected');
    assert.match(summary.alerts[0]?.reason ?? '', /^no target/);
  });

  it('suppresses during a cooldown, with the reason, an Event and a metric', async () => {
    const disk = (startsAt: string): AlertInput => ({
      labels: { alertname: 'DiskFull', namespace: 'db', claim: 'data' },
      startsAt,
    });
    const first = await summaryOf(await post(app, webhookBody([disk('2024-05-01T10:00:00Z')])));
    const name = first.alerts[0]?.run ?? '';
    const run = fake.api.runs.get(`default/${name}`) as WorkflowExecution;
    const ended = new Date(Date.now() - 60_000).toISOString();
    fake.runs.update('update', {
      ...run,
      status: { phase: 'Succeeded', completedAt: ended, steps: [], conditions: [] },
    } as KubernetesObject);
    const again = await summaryOf(await post(app, webhookBody([disk('2024-05-01T11:00:00Z')])));
    assert.equal(again.alerts[0]?.result, 'suppressed');
    assert.match(again.alerts[0]?.reason ?? '', /^Cooldown: cooldown of 10m after run /);
    assert.deepEqual(
      fake.events.map((event) => event.reason),
      ['SuppressedCooldown'],
    );
    const metric = await fake.metrics.alertSuppressions.get();
    assert.deepEqual(
      metric.values.map((value) => [value.labels.reason, value.value]),
      [['Cooldown', 1]],
    );
  });

  it('suppresses everything while paused', async () => {
    fake.setPaused(true);
    const summary = await summaryOf(await post(app, webhookBody([crashLooping('cart-1')])));
    assert.equal(summary.alerts[0]?.result, 'suppressed');
    assert.match(summary.alerts[0]?.reason ?? '', /^Paused/);
    assert.equal(fake.api.runs.size, 0);
  });

  it('never starts a run for a resolved alert, and cancels the run it started (cancelOnResolve)', async () => {
    const resolvedFirst = await summaryOf(
      await post(
        app,
        webhookBody([
          crashLooping('cart-2', { status: 'resolved', endsAt: '2024-05-01T10:05:00Z' }),
        ]),
      ),
    );
    assert.deepEqual(resolvedFirst.counts, { 'ignored-resolved': 1 });
    assert.equal(fake.api.runs.size, 0);

    const fired = await summaryOf(await post(app, webhookBody([crashLooping('cart-1')])));
    const name = fired.alerts[0]?.run ?? '';
    const resolved = await summaryOf(
      await post(
        app,
        webhookBody([
          crashLooping('cart-1', { status: 'resolved', endsAt: '2024-05-01T10:05:00Z' }),
        ]),
      ),
    );
    assert.deepEqual(resolved.alerts[0]?.cancelled, [name]);
    assert.equal(fake.api.runs.get(`default/${name}`)?.spec.cancel, true);
  });

  it('answers 503 when a run cannot be recorded; the retry creates it once', async () => {
    fake.api.failWith = 500;
    const failed = await post(app, webhookBody([crashLooping('cart-1')]));
    assert.equal(failed.status, 503);
    assert.equal(failed.headers.get('Retry-After'), '1');
    const failedSummary = await summaryOf(failed);
    assert.equal(failedSummary.alerts[0]?.result, 'failed');
    assert.match(failedSummary.alerts[0]?.reason ?? '', /answered 500; Alertmanager will retry/);
    fake.api.failWith = undefined;
    for (let index = 0; index < 3; index++) {
      assert.equal((await post(app, webhookBody([crashLooping('cart-1')]))).status, 200);
    }
    assert.equal(fake.api.runs.size, 1);
  });

  it('treats AlreadyExists from another replica as a duplicate', async () => {
    const other = startFakeIntake([makeTemplate('restart')]);
    other.api.addDeployment('shop', 'cart', ['cart-1']);
    const first = await summaryOf(await post(appFor(other), webhookBody([crashLooping('cart-1')])));
    // This replica has not seen the run: its create answers 409.
    for (const [key, run] of other.api.runs) fake.api.runs.set(key, run);
    const second = await summaryOf(await post(app, webhookBody([crashLooping('cart-1')])));
    assert.equal(second.alerts[0]?.result, 'duplicate');
    assert.equal(second.alerts[0]?.run, first.alerts[0]?.run);
    const duplicates = await fake.metrics.alertDuplicates.get();
    assert.deepEqual(
      duplicates.values.map((value) => value.labels.via),
      ['api'],
    );
  });

  it('counts alerts received by result', async () => {
    await post(app, webhookBody([crashLooping('cart-1'), { labels: { alertname: 'Other' } }]));
    const received = await fake.metrics.alertsReceived.get();
    assert.deepEqual(received.values.map((value) => [value.labels.result, value.value]).sort(), [
      ['created', 1],
      ['unmatched', 1],
    ]);
  });
});
