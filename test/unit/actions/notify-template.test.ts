import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderTemplate } from '../../../src/actions/lib/http/render-template.ts';
import { ActionError } from '../../../src/actions/runtime/action-error.ts';

describe('JSON templates', () => {
  const values = { n: 3, s: 'web', o: { a: 1 }, q: '"}, {"x": 1' };
  const cases: [string, unknown, unknown][] = [
    ['a whole placeholder keeps the type', '{{ n }}', 3],
    ['an object value stays an object', { v: '{{o}}' }, { v: { a: 1 } }],
    ['placeholders inside text become text', 'x={{ n }} {{ o }}', 'x=3 {"a":1}'],
    ['a quote in a value is data, not structure', { v: 'say {{ q }}' }, { v: 'say "}, {"x": 1' }],
    ['keys are filled too', { '{{ s }}': true }, { web: true }],
    ['arrays and scalars pass through', [1, null, false, '{{ s }}'], [1, null, false, 'web']],
    ['text without placeholders is left alone', 'a {b} }}', 'a {b} }}'],
  ];
  for (const [what, template, expected] of cases) {
    it(what, () => {
      assert.deepEqual(renderTemplate(template, values), expected);
    });
  }

  it('refuses a placeholder values does not define, even a prototype key', () => {
    for (const name of ['missing', 'constructor', 'toString']) {
      assert.throws(
        () => renderTemplate({ a: `{{ ${name} }}` }, values),
        (error: unknown) => error instanceof ActionError && error.code === 'InvalidInput',
      );
    }
  });
});
