import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderPlaceholders, scanPlaceholders } from '../../../src/alerts/placeholders.ts';

const values = {
  labels: { namespace: 'payments', pod: 'api-7d9f' },
  annotations: { summary: 'Pod is crash looping; $(rm -rf /)' },
  params: { replicas: '5' },
};

describe('renderPlaceholders', () => {
  const cases: [string, string][] = [
    ['{{ labels.namespace }}', 'payments'],
    ['{{labels.pod}} in {{ labels.namespace }}', 'api-7d9f in payments'],
    ['{{ params.replicas }}', '5'],
    ['no placeholders', 'no placeholders'],
    // Values are text, never evaluated: a hostile annotation stays a string.
    ['{{ annotations.summary }}', 'Pod is crash looping; $(rm -rf /)'],
  ];
  for (const [text, expected] of cases) {
    it(`renders ${text}`, () =>
      assert.deepEqual(renderPlaceholders(text, values), { ok: true, text: expected }));
  }

  it('names every missing value instead of rendering an empty string', () => {
    assert.deepEqual(
      renderPlaceholders('{{ labels.deployment }}/{{ annotations.runbook }}', values),
      {
        ok: false,
        missing: ['{{ labels.deployment }}', '{{ annotations.runbook }}'],
      },
    );
  });
});

describe('scanPlaceholders', () => {
  it('tells placeholders from malformed braces', () => {
    const found = scanPlaceholders('{{ labels.a }} {{ env.HOME }} {{ labels.b-c }}');
    assert.deepEqual(found[0], { source: 'labels', key: 'a', text: '{{ labels.a }}' });
    const [, unknownSource, badKey] = found;
    assert.ok(unknownSource && 'error' in unknownSource);
    assert.match(unknownSource.error, /is not a placeholder/);
    assert.ok(badKey && 'error' in badKey);
  });
});
