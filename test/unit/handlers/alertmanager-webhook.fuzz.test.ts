/**
 * Malformed and hostile webhook bodies, 10,000+ of them through the real route: never a 5xx
 * (nothing in a body is a reason to make Alertmanager retry), never a crash, and never a run
 * from an alert that is not a valid alert.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createApp } from '../../../handlers/app.ts';
import type { IntakeSummary } from '../../../src/alerts/intake-outcome.ts';
import { CredentialStore } from '../../../src/auth/credential-store.ts';
import { makeTemplate } from '../../fixtures/alert-templates.ts';
import { startFakeIntake } from '../../fixtures/fake-intake.ts';

const TOKEN = 'fuzz-token-0123456789abcdef';
const fake = startFakeIntake([
  makeTemplate('any', {
    match: ['alertname=~".+"'],
    target: 'default/Deployment/{{ labels.alertname }}',
    steps: [
      {
        name: 's',
        actionType: 'a',
        image: `r/i@sha256:${'c'.repeat(64)}`,
        inputs: { alert: '{{ labels.alertname }}' },
      },
    ],
    guardrails: { maxNewRunsPerMinute: 1_000_000, maxActivePerTarget: 1_000_000 },
  }),
]);
const app = createApp({
  readiness: [],
  credentials: new CredentialStore([
    { kind: 'bearer', secret: TOKEN, name: 'am', scopes: ['alerts'] },
  ]),
  alertmanager: {
    intake: { process: (payload) => fake.intake.process(payload), isReady: () => true },
    maxBodyBytes: 256 * 1024,
  },
});

async function post(body: string): Promise<Response> {
  return app.request('/api/v1/webhooks/alertmanager', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
    body,
  });
}

const hostileKey = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '',
  'a'.repeat(300),
  '\u0000',
  '😀',
  'alertname',
);
const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(hostileKey, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
);
const labelValue = fc.oneof(fc.string({ maxLength: 40 }), anyValue);
const timestamp = fc.oneof(
  fc
    .date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true })
    .map((date) => date.toISOString()),
  fc.constantFrom(
    '0001-01-01T00:00:00Z',
    '2024-02-30T25:61:61Z',
    '2024-01-01T00:00:00.123456789+05:30',
    'yesterday',
    '',
    '9999-99-99',
  ),
  anyValue,
);
/** Nearly valid alerts: real label sets and times, with a hostile field here and there. */
const plausibleAlert = fc.record(
  {
    status: fc.constantFrom('firing', 'firing', 'resolved', undefined),
    labels: fc
      .tuple(
        fc.string({ minLength: 1, maxLength: 30 }),
        fc.dictionary(fc.oneof(hostileKey, fc.string({ maxLength: 20 })), labelValue, {
          maxKeys: 3,
        }),
      )
      .map(([alertname, extra]) => ({ ...extra, alertname })),
    startsAt: fc.oneof(timestamp, fc.constant('2024-05-01T10:00:00.123456789Z')),
  },
  { requiredKeys: ['labels', 'startsAt'] },
);
const alert = fc.oneof(
  plausibleAlert,
  anyValue,
  fc.record(
    {
      status: fc.oneof(fc.constantFrom('firing', 'resolved', 'pending'), anyValue),
      labels: fc.oneof(
        fc.dictionary(fc.oneof(hostileKey, fc.string({ maxLength: 20 })), labelValue, {
          maxKeys: 5,
        }),
        anyValue,
      ),
      annotations: fc.oneof(
        fc.dictionary(fc.string({ maxLength: 10 }), labelValue, { maxKeys: 3 }),
        anyValue,
      ),
      startsAt: timestamp,
      endsAt: timestamp,
      fingerprint: fc.oneof(fc.string({ maxLength: 20 }), anyValue),
      generatorURL: fc.oneof(fc.webUrl(), anyValue),
    },
    { requiredKeys: [] },
  ),
);
const body = fc.oneof(
  { weight: 1, arbitrary: anyValue },
  {
    weight: 4,
    arbitrary: fc.record(
      {
        version: fc.oneof(fc.constantFrom('4', '3', 4), anyValue),
        receiver: fc.oneof(fc.string({ maxLength: 20 }), anyValue),
        status: fc.oneof(fc.constantFrom('firing', 'resolved'), anyValue),
        alerts: fc.oneof(fc.array(alert, { maxLength: 6 }), anyValue),
        groupLabels: anyValue,
        truncatedAlerts: anyValue,
      },
      { requiredKeys: ['alerts'] },
    ),
  },
);

/** An independent reading of "a valid alert": what may start a run. */
function isValidFiringAlert(raw: unknown): boolean {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return false;
  const { labels, startsAt, status } = raw as Record<string, unknown>;
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) return false;
  const values = Object.values(labels);
  if (values.length === 0 || values.some((value) => typeof value !== 'string')) return false;
  if (
    typeof startsAt !== 'string' ||
    !Number.isFinite(Date.parse(startsAt.replace(/\.(\d{3})\d+/, '.$1')))
  )
    return false;
  return status === undefined || status === 'firing' || status === 'resolved';
}

describe('webhook fuzzing (fast-check)', () => {
  it('answers every hostile JSON body with 200 or 400, and creates runs only from valid alerts', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (value) => {
        const before = fake.api.runs.size;
        const response = await post(JSON.stringify(value));
        assert.ok(
          response.status === 200 || response.status === 400,
          `status ${String(response.status)}`,
        );
        const json = (await response.json()) as IntakeSummary & { error?: string };
        if (response.status === 400) {
          assert.equal(fake.api.runs.size, before);
          assert.match(json.error ?? '', /^Invalid/);
          return;
        }
        const alerts = (value as { alerts: unknown[] }).alerts;
        for (const outcome of json.alerts) {
          assert.notEqual(outcome.result, 'failed');
          if (outcome.result === 'created' || outcome.result === 'duplicate') {
            assert.ok(
              isValidFiringAlert(alerts[outcome.index]),
              JSON.stringify(alerts[outcome.index]),
            );
          }
        }
        const created = json.alerts.filter((outcome) => outcome.result === 'created').length;
        assert.equal(fake.api.runs.size, before + created);
      }),
      { numRuns: 10_000, seed: 20_240_501 },
    );
    // The generators reach the create path, not only the rejections.
    assert.ok(fake.api.runs.size >= 100, `only ${String(fake.api.runs.size)} runs created`);
  });

  it('answers every body that is not JSON at all with 400', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.constantFrom('{', '{"alerts":[', '\u0000', 'null,', '[1,]'),
        ),
        async (text) => {
          let parses = true;
          try {
            JSON.parse(text);
          } catch {
            parses = false;
          }
          fc.pre(!parses);
          const response = await post(text);
          assert.equal(response.status, 400);
        },
      ),
      { numRuns: 2_000, seed: 7 },
    );
  });
});
