import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWebhookPayload, type WebhookPayload } from '../../../src/alerts/webhook-payload.ts';
import { makeTemplate, webhookBody, type AlertInput } from '../../fixtures/alert-templates.ts';
import { startFakeIntake } from '../../fixtures/fake-intake.ts';

const NOW = new Date('2026-11-27T10:00:00Z');

const crashLooping = (deployment: string, extra: Partial<AlertInput> = {}): AlertInput => ({
  labels: { alertname: 'PodCrashLooping', namespace: 'shop', deployment },
  startsAt: '2026-11-27T09:00:00Z',
  ...extra,
});

function payloadOf(alerts: AlertInput[]): WebhookPayload {
  const parsed = parseWebhookPayload(webhookBody(alerts), NOW);
  assert.ok(parsed.ok);
  return parsed.payload;
}

describe('the intake answers repeats from memory', () => {
  it('answers a notification of known runs at once, without a promise or a create', async () => {
    const fake = startFakeIntake([makeTemplate('restart')]);
    const first = await fake.intake.process(payloadOf([crashLooping('cart')]));
    assert.deepEqual(first.counts, { created: 1 });
    const calls = fake.api.calls.length;

    const repeat = fake.intake.process(
      payloadOf([crashLooping('cart'), { labels: { alertname: 'Other' } }]),
    );
    assert.ok(!(repeat instanceof Promise), 'a repeat is answered synchronously');
    assert.deepEqual(repeat.counts, { duplicate: 1, unmatched: 1 });
    assert.equal(repeat.alerts[0]?.run, first.alerts[0]?.run);
    assert.equal(repeat.alerts[0]?.target, 'shop/Deployment/cart');
    // Only the occurrence count is written (after the answer); nothing asks whether it exists.
    assert.deepEqual(
      fake.api.calls.slice(calls).filter((call) => call !== 'get' && call !== 'status'),
      [],
    );
    await fake.occurrences.idle();
    assert.equal([...fake.api.runs.values()][0]?.status?.occurrences, 2);
  });

  it('takes the full path for the whole notification when one alert needs the API', async () => {
    const fake = startFakeIntake([makeTemplate('restart')]);
    await fake.intake.process(payloadOf([crashLooping('cart')]));
    const occurrencesBefore = (await fake.metrics.alertDuplicates.get()).values.length;

    const mixed = fake.intake.process(payloadOf([crashLooping('cart'), crashLooping('web')]));
    assert.ok(mixed instanceof Promise, 'a new run needs the API');
    const summary = await mixed;
    assert.deepEqual(summary.counts, { duplicate: 1, created: 1 });
    // The repeat was counted once, by the full path, not also by the abandoned memory answer.
    const duplicates = (await fake.metrics.alertDuplicates.get()).values;
    assert.equal(occurrencesBefore, 0);
    assert.equal(
      duplicates.reduce((sum, value) => sum + value.value, 0),
      1,
    );

    const resolved = fake.intake.process(
      payloadOf([crashLooping('cart', { status: 'resolved', endsAt: '2026-11-27T09:30:00Z' })]),
    );
    assert.ok(resolved instanceof Promise, 'a resolve cancels through the API');
    await resolved;

    fake.setPaused(true);
    assert.ok(fake.intake.process(payloadOf([crashLooping('web')])) instanceof Promise);
  });
});
