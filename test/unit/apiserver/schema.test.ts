import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyDefaults,
  pruneUnknownFields,
  validateAgainstSchema,
  type Schema,
} from '../../../wrangler-free-local/apiserver/schema.ts';

const schema: Schema = {
  type: 'object',
  required: ['spec'],
  properties: {
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 5, pattern: '^[a-z]*$' },
        mode: { type: 'string', enum: ['a', 'b'], default: 'a' },
        count: { type: 'integer', minimum: 1, maximum: 3 },
        ratio: { type: 'number', minimum: 0, exclusiveMinimum: true },
        at: { type: 'string', format: 'date-time' },
        port: { 'x-kubernetes-int-or-string': true },
        items: {
          type: 'array',
          minItems: 1,
          maxItems: 2,
          items: {
            type: 'object',
            required: ['id'],
            properties: { id: { type: 'string' }, on: { type: 'boolean', default: true } },
          },
        },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        maybe: { type: 'string', nullable: true },
      },
    },
  },
};

describe('validateAgainstSchema', () => {
  const valid = {
    spec: {
      name: 'ab',
      count: 2,
      ratio: 0.5,
      at: '2024-01-02T03:04:05Z',
      port: 'http',
      items: [{ id: 'x' }],
      labels: { a: 'b' },
      maybe: null,
    },
  };
  it('accepts a valid object', () => assert.deepEqual(validateAgainstSchema(schema, valid), []));
  const cases: [string, Record<string, unknown>, string, string][] = [
    ['required', {}, 'spec.name', 'FieldValueRequired'],
    ['minLength', { name: '' }, 'spec.name', 'FieldValueInvalid'],
    ['maxLength', { name: 'abcdef' }, 'spec.name', 'FieldValueTooLong'],
    ['pattern', { name: 'AB' }, 'spec.name', 'FieldValueInvalid'],
    ['enum', { name: 'a', mode: 'c' }, 'spec.mode', 'FieldValueNotSupported'],
    ['integer type', { name: 'a', count: 1.5 }, 'spec.count', 'FieldValueTypeInvalid'],
    ['maximum', { name: 'a', count: 4 }, 'spec.count', 'FieldValueInvalid'],
    ['exclusiveMinimum', { name: 'a', ratio: 0 }, 'spec.ratio', 'FieldValueInvalid'],
    ['date-time', { name: 'a', at: 'today' }, 'spec.at', 'FieldValueInvalid'],
    ['int-or-string', { name: 'a', port: true }, 'spec.port', 'FieldValueTypeInvalid'],
    ['minItems', { name: 'a', items: [] }, 'spec.items', 'FieldValueInvalid'],
    [
      'maxItems',
      { name: 'a', items: [{ id: '1' }, { id: '2' }, { id: '3' }] },
      'spec.items',
      'FieldValueTooMany',
    ],
    ['nested required', { name: 'a', items: [{}] }, 'spec.items[0].id', 'FieldValueRequired'],
    [
      'additionalProperties',
      { name: 'a', labels: { a: 1 } },
      'spec.labels.a',
      'FieldValueTypeInvalid',
    ],
    ['null where not nullable', { name: null }, 'spec.name', 'FieldValueTypeInvalid'],
  ];
  for (const [name, spec, field, reason] of cases) {
    it(`reports ${name} at ${field}`, () => {
      const causes = validateAgainstSchema(schema, { spec });
      assert.deepEqual(
        causes.map((c) => [c.field, c.reason]),
        [[field, reason]],
      );
    });
  }
  it('reports a missing root field', () => {
    assert.deepEqual(
      validateAgainstSchema(schema, {}).map((c) => c.field),
      ['spec'],
    );
  });
});

describe('applyDefaults', () => {
  it('fills defaults at every level, including list items, without overwriting', () => {
    const obj = { spec: { name: 'a', mode: 'b', items: [{ id: '1' }, { id: '2', on: false }] } };
    applyDefaults(schema, obj);
    assert.deepEqual(obj.spec, {
      name: 'a',
      mode: 'b',
      items: [
        { id: '1', on: true },
        { id: '2', on: false },
      ],
    });
    const empty: { spec: Record<string, unknown> } = { spec: { name: 'a' } };
    applyDefaults(schema, empty);
    assert.equal(empty.spec['mode'], 'a');
  });
});

describe('pruneUnknownFields', () => {
  it('drops undeclared fields, keeps preserved subtrees and root type meta', () => {
    const obj = {
      apiVersion: 'x/v1',
      kind: 'K',
      metadata: { name: 'n', anything: 1 },
      spec: { name: 'a', extra: 1, free: { x: { y: 1 } }, items: [{ id: '1', junk: true }] },
      other: 1,
    };
    const pruned = pruneUnknownFields(schema, obj);
    assert.deepEqual(pruned.sort(), ['other', 'spec.extra', 'spec.items[0].junk']);
    assert.deepEqual(obj, {
      apiVersion: 'x/v1',
      kind: 'K',
      metadata: { name: 'n', anything: 1 },
      spec: { name: 'a', free: { x: { y: 1 } }, items: [{ id: '1' }] },
    });
  });
});
