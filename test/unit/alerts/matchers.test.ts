import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesAll, parseMatchers } from '../../../src/alerts/matchers.ts';

const labels = { alertname: 'KubePodCrashLooping', severity: 'critical', namespace: 'payments' };

describe('parseMatchers and matchesAll (Alertmanager semantics)', () => {
  const cases: [string, boolean][] = [
    ['alertname="KubePodCrashLooping"', true],
    ['alertname=KubePodCrashLooping', true],
    ['alertname = "KubePodCrashLooping"', true],
    ['alertname="Other"', false],
    ['alertname!="Other"', true],
    ['severity=~"warning|critical"', true],
    ['severity=~"crit"', false], // regexes are anchored: a substring does not match
    ['severity!~"warn.*"', true],
    ['severity!~"crit.*"', false],
    ['{alertname="KubePodCrashLooping", namespace=~"pay.*"}', true],
    ['alertname="KubePodCrashLooping",namespace="other"', false],
    ['team=""', true], // a missing label matches the empty string
    ['team!=""', false],
    ['team=~".*"', true],
    ['"namespace"="payments"', true],
    ['alertname="Kube\\"Quoted"', false],
  ];
  for (const [text, expected] of cases) {
    it(`${text} → ${String(expected)}`, () => {
      const parsed = parseMatchers(text);
      assert.ok(parsed.ok, !parsed.ok ? parsed.error : '');
      assert.equal(matchesAll(parsed.matchers, labels), expected);
    });
  }

  const invalid: [string, RegExp][] = [
    ['', /no matcher/],
    ['alertname', /expected one of = != =~ !~/],
    ['alert-name="x"', /not a valid label name/],
    ['severity=~"("', /not a valid regular expression/],
    ['{alertname="x"', /not closed/],
    ['a="b" c="d"', /expected ","/],
  ];
  for (const [text, error] of invalid) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      const parsed = parseMatchers(text);
      assert.equal(parsed.ok, false);
      assert.match(!parsed.ok ? parsed.error : '', error);
    });
  }
});
