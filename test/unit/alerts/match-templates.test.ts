import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compileTemplate,
  matchTemplates,
  sortTemplates,
  type CompiledTemplate,
} from '../../../src/alerts/match-templates.ts';
import { makeTemplate } from '../../fixtures/alert-templates.ts';

function compiled(name: string, match: string[], priority = 0, more = false): CompiledTemplate {
  const result = compileTemplate(makeTemplate(name, { match, priority, continue: more }));
  assert.ok(result.ok, result.ok ? '' : result.error);
  return result.compiled;
}

const labels = { alertname: 'KubePodCrashLooping', severity: 'critical', namespace: 'payments' };

describe('matchTemplates: one matcher per operator, anchored', () => {
  const cases: [string, boolean][] = [
    ['alertname="KubePodCrashLooping"', true],
    ['alertname="KubePod"', false],
    ['alertname!="KubePodCrashLooping"', false],
    ['severity!="warning"', true],
    ['severity=~"crit.*"', true],
    ['severity=~"crit"', false], // anchored: a prefix is not a match
    ['severity=~"itical"', false],
    ['severity!~"warn|info"', true],
    ['severity!~"critical|info"', false],
    ['team=""', true], // a missing label is the empty string
    ['{namespace=~"pay.+", alertname=~"Kube.*"}', true],
  ];
  for (const [matcher, expected] of cases) {
    it(`${matcher} → ${expected ? 'match' : 'no match'}`, () => {
      const matched = matchTemplates([compiled('t', [matcher])], labels);
      assert.deepEqual(
        matched.map((template) => template.key),
        expected ? ['default/t'] : [],
      );
    });
  }
  it('needs every matcher of every match entry to hold', () => {
    const template = compiled('t', ['alertname="KubePodCrashLooping"', 'severity="warning"']);
    assert.deepEqual(matchTemplates([template], labels), []);
  });
  it('never matches with no matchers', () => {
    assert.deepEqual(matchTemplates([compiled('t', [])], labels), []);
  });
});

describe('matchTemplates: priority and continue', () => {
  const all = '{alertname="KubePodCrashLooping"}';
  const cases: [string, CompiledTemplate[], string[]][] = [
    [
      'highest priority wins',
      [compiled('low', [all], 1), compiled('high', [all], 10)],
      ['default/high'],
    ],
    ['ties break by name', [compiled('b', [all]), compiled('a', [all])], ['default/a']],
    [
      'continue lets the next one match too',
      [
        compiled('first', [all], 5, true),
        compiled('second', [all], 3),
        compiled('third', [all], 1),
      ],
      ['default/first', 'default/second'],
    ],
    [
      'a non-matching template does not stop the search',
      [compiled('other', ['alertname="X"'], 9), compiled('mine', [all], 1)],
      ['default/mine'],
    ],
    [
      'continue on the last match is harmless',
      [compiled('only', [all], 0, true)],
      ['default/only'],
    ],
  ];
  for (const [title, templates, expected] of cases) {
    it(title, () => {
      const matched = matchTemplates(sortTemplates(templates), labels);
      assert.deepEqual(
        matched.map((template) => template.key),
        expected,
      );
    });
  }
  it('reports a template whose matcher does not parse', () => {
    const result = compileTemplate(makeTemplate('bad', { match: ['severity=~"("'] }));
    assert.equal(result.ok, false);
    assert.match(
      result.ok ? '' : result.error,
      /^spec\.match\[0\]: .*not a valid regular expression/,
    );
  });
});
