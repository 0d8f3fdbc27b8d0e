import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fingerprintOf } from '../../../src/alerts/fingerprint.ts';
import { normalizeTimestamp, parseWebhookPayload } from '../../../src/alerts/webhook-payload.ts';

const TESTDATA = join(import.meta.dirname, '../../testdata/alertmanager');
const NOW = new Date('2024-01-01T00:00:00Z');

describe('Alertmanager webhook bodies from public projects', () => {
  const files = readdirSync(TESTDATA).filter((file) => file.endsWith('.json'));
  it('has the bodies to test', () => {
    assert.ok(files.length >= 5, `found ${files.join(', ')}`);
  });
  for (const file of files) {
    it(`parses ${file}: every alert accepted, with a fingerprint and a status`, () => {
      const body = JSON.parse(readFileSync(join(TESTDATA, file), 'utf8')) as {
        alerts: { labels: Record<string, string>; fingerprint?: string; status?: string }[];
      };
      const result = parseWebhookPayload(body, NOW);
      assert.ok(result.ok, result.ok ? '' : result.error);
      assert.equal(result.payload.alerts.length, body.alerts.length);
      result.payload.alerts.forEach((entry, index) => {
        assert.ok(entry.ok, entry.ok ? '' : entry.reason);
        const raw = body.alerts[index];
        assert.ok(raw);
        // A fingerprint Alertmanager sent is kept; a missing one is Alertmanager's own hash.
        assert.equal(entry.alert.fingerprint, raw.fingerprint || fingerprintOf(raw.labels));
        assert.equal(entry.alert.status, raw.status ?? 'firing');
        assert.match(entry.alert.startsAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      });
    });
  }

  it('recomputes the fingerprint Alertmanager put in a real body', () => {
    const body = JSON.parse(
      readFileSync(join(TESTDATA, 'resolved-v4-fingerprint-pythonwebhook.json'), 'utf8'),
    ) as { alerts: { labels: Record<string, string>; fingerprint: string }[] };
    const alert = body.alerts[0];
    assert.ok(alert);
    assert.equal(fingerprintOf(alert.labels), alert.fingerprint);
    assert.equal(alert.fingerprint, 'fbab788ec4c1018b');
  });
});

describe('fingerprintOf (prometheus/common model.LabelSet.Fingerprint)', () => {
  const cases: [Record<string, string>, string][] = [
    // FNV-1a 64's offset basis: Alertmanager's fingerprint of an empty label set.
    [{}, 'cbf29ce484222325'],
    [{ b: '2', a: '1' }, fingerprintOf({ a: '1', b: '2' })],
  ];
  for (const [labels, expected] of cases) {
    it(`${JSON.stringify(labels)} → ${expected}`, () => {
      assert.equal(fingerprintOf(labels), expected);
    });
  }
  it('equals a plain 64-bit FNV-1a over the sorted UTF-8 labels', () => {
    const reference = (labels: Record<string, string>): string => {
      let hash = 14695981039346656037n;
      const add = (byte: number): void => {
        hash = ((hash ^ BigInt(byte)) * 1099511628211n) & ((1n << 64n) - 1n);
      };
      const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');
      for (const name of Object.keys(labels).sort((a, b) => Buffer.compare(utf8(a), utf8(b)))) {
        for (const byte of [...utf8(name), 0xff, ...utf8(labels[name] ?? ''), 0xff]) add(byte);
      }
      return hash.toString(16).padStart(16, '0');
    };
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' })),
        (labels) => {
          assert.equal(fingerprintOf(labels), reference(labels));
        },
      ),
      { numRuns: 500 },
    );
    // UTF-16 puts an astral character (a surrogate pair) before U+E000..U+FFFF; Go's byte
    // order puts it after. The reference sorts by bytes, so this pins Go's order.
    const astralFirstInUtf16 = { '\u{1F600}': 'a', '\uE000': 'b' };
    assert.equal(fingerprintOf(astralFirstInUtf16), reference(astralFirstInUtf16));
  });
  it('separates names from values (a=bc differs from ab=c)', () => {
    assert.notEqual(fingerprintOf({ a: 'bc' }), fingerprintOf({ ab: 'c' }));
  });
});

describe('parseWebhookPayload', () => {
  const envelopes: [unknown, string][] = [
    [null, 'body: must be an object, not null'],
    ['text', 'body: must be an object, not a string'],
    [[], 'body: must be an object, not an array'],
    [{}, 'alerts: is required'],
    [{ alerts: {} }, 'alerts: must be an array, not an object'],
    [{ alerts: [] }, 'alerts: must hold at least one alert'],
  ];
  for (const [body, error] of envelopes) {
    it(`refuses ${JSON.stringify(body)} naming the field`, () => {
      assert.deepEqual(parseWebhookPayload(body, NOW), { ok: false, error });
    });
  }

  it('tolerates odd values in the fields it does not use', () => {
    const odd = {
      version: 7,
      status: [],
      groupKey: 56155909339,
      truncatedAlerts: 'x',
      receiver: 5,
    };
    const result = parseWebhookPayload(
      { ...odd, alerts: [{ labels: { a: 'b' }, startsAt: '2024-01-01T00:00:00Z' }] },
      NOW,
    );
    assert.ok(result.ok);
    assert.equal(result.payload.receiver, undefined);
    assert.equal(result.payload.alerts[0]?.ok, true);
  });

  const alerts: [unknown, string][] = [
    [7, 'alerts[0]: must be an object, not a number'],
    [{ startsAt: '2024-01-01T00:00:00Z' }, 'alerts[0].labels: is required'],
    [
      { labels: {}, startsAt: '2024-01-01T00:00:00Z' },
      'alerts[0].labels: at least one label pair is required',
    ],
    [
      { labels: { a: 1 }, startsAt: '2024-01-01T00:00:00Z' },
      'alerts[0].labels.a: must be a string, not a number',
    ],
    [{ labels: { a: 'b' } }, 'alerts[0].startsAt: is required'],
    [
      JSON.parse('{"labels":{"__proto__":{},"a":"b"},"startsAt":"2024-01-01T00:00:00Z"}'),
      'alerts[0].labels.__proto__: is not a valid label name',
    ],
    [
      { labels: { a: 'b' }, startsAt: 'yesterday' },
      'alerts[0].startsAt: must be an RFC 3339 timestamp',
    ],
    [
      { labels: { a: 'b' }, startsAt: '2024-01-01T00:00:00Z', status: 'pending' },
      'alerts[0].status: Invalid option: expected one of "firing"|"resolved"',
    ],
  ];
  for (const [alert, reason] of alerts) {
    it(`rejects the alert ${JSON.stringify(alert)} alone`, () => {
      const good = { labels: { alertname: 'A' }, startsAt: '2024-01-01T00:00:00Z' };
      const result = parseWebhookPayload({ alerts: [alert, good] }, NOW);
      assert.ok(result.ok);
      assert.deepEqual(result.payload.alerts[0], { ok: false, reason });
      assert.equal(result.payload.alerts[1]?.ok, true);
    });
  }

  const statuses: [string | undefined, string, 'firing' | 'resolved'][] = [
    [undefined, '0001-01-01T00:00:00Z', 'firing'],
    [undefined, '2023-12-31T23:59:59Z', 'resolved'],
    [undefined, '2024-01-01T00:05:00Z', 'firing'],
    ['resolved', '0001-01-01T00:00:00Z', 'resolved'],
  ];
  for (const [status, endsAt, expected] of statuses) {
    it(`status ${String(status)} with endsAt ${endsAt} → ${expected}`, () => {
      const alert = {
        labels: { a: 'b' },
        startsAt: '2023-12-31T00:00:00Z',
        endsAt,
        ...(status ? { status } : {}),
      };
      const result = parseWebhookPayload({ alerts: [alert] }, NOW);
      assert.ok(result.ok && result.payload.alerts[0]?.ok);
      assert.equal(result.payload.alerts[0].alert.status, expected);
    });
  }

  it('normalises startsAt to UTC milliseconds, so every Alertmanager names the same episode', () => {
    const result = parseWebhookPayload(
      { alerts: [{ labels: { a: 'b' }, startsAt: '2018-03-07T06:33:21.873077559-05:00' }] },
      NOW,
    );
    assert.ok(result.ok && result.payload.alerts[0]?.ok);
    assert.equal(result.payload.alerts[0].alert.startsAt, '2018-03-07T11:33:21.873Z');
  });

  for (const [text, expected] of [
    ['2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'],
    ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00.000Z'],
    ['2026-01-01t00:00:00.000z', '2026-01-01T00:00:00.000Z'],
    ['2026-01-01T01:00:00.000+01:00', '2026-01-01T00:00:00.000Z'],
    // Spelled canonically, but not the canonical spelling of the instant Date.parse reads.
    ['2026-02-30T00:00:00.000Z', '2026-03-02T00:00:00.000Z'],
    ['2026-01-01T24:00:00.000Z', '2026-01-02T00:00:00.000Z'],
    ['2026-13-01T00:00:00.000Z', undefined],
    ['2026-01-01T23:59:60.000Z', undefined],
  ] as const) {
    it(`normalizeTimestamp(${text}) → ${String(expected)}`, () => {
      assert.equal(normalizeTimestamp(text), expected);
    });
  }
});
