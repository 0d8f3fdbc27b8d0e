import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  convertLabelSelector,
  formatLabelSelector,
  matchFields,
  matchLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from '../../../wrangler-free-local/apiserver/selectors.ts';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front', n: '5' };
  const cases: [string, boolean][] = [
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app=db', false],
    ['app!=db', true],
    ['missing!=x', true],
    ['app in (db, web)', true],
    ['app in (db)', false],
    ['app notin (db)', true],
    ['missing notin (db)', true],
    ['tier', true],
    ['missing', false],
    ['!missing', true],
    ['!tier', false],
    ['app=web,tier=back', false],
    ['app in (web,db),tier', true],
    ['n>4', true],
    ['n<5', false],
    ['example.com/role', false],
  ];
  for (const [selector, expected] of cases) {
    it(`${JSON.stringify(selector)} matches ${JSON.stringify(labels)}: ${expected}`, () => {
      assert.equal(matchLabels(parseLabelSelector(selector), labels), expected);
    });
  }
  for (const bad of ['app in ()', 'app in web', '=x', 'a b', 'n>x']) {
    it(`rejects ${JSON.stringify(bad)}`, () =>
      assert.throws(() => parseLabelSelector(bad), SelectorError));
  }
  it('converts a metav1.LabelSelector and renders it back', () => {
    const reqs = convertLabelSelector({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['a', 'b'] },
        { key: 'x', operator: 'DoesNotExist' },
      ],
    });
    assert.equal(formatLabelSelector(reqs), 'app=web,tier in (a,b),!x');
    assert.equal(matchLabels(reqs, { app: 'web', tier: 'b' }), true);
    assert.equal(matchLabels(reqs, { app: 'web', tier: 'b', x: '1' }), false);
  });
});

describe('field selectors', () => {
  const pod = {
    metadata: { name: 'p', namespace: 'ns' },
    status: { phase: 'Running' },
    spec: { nodeName: 'n1' },
  };
  const allowed = ['metadata.name', 'metadata.namespace', 'status.phase', 'spec.nodeName'];
  const cases: [string, boolean][] = [
    ['metadata.name=p', true],
    ['metadata.name==p', true],
    ['metadata.name!=p', false],
    ['status.phase=Running,spec.nodeName=n1', true],
    ['spec.nodeName=', false],
    ['metadata.namespace=other', false],
  ];
  for (const [selector, expected] of cases) {
    it(`${selector}: ${expected}`, () =>
      assert.equal(matchFields(parseFieldSelector(selector, allowed), pod), expected));
  }
  it('rejects fields the resource does not support', () => {
    assert.throws(
      () => parseFieldSelector('spec.foo=x', allowed),
      /field label not supported: spec.foo/,
    );
  });
});
