import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, parseDuration } from '../../../wrangler-free-local/tekton/duration.ts';
import {
  findResultReferences,
  substitute,
  substituteList,
} from '../../../wrangler-free-local/tekton/substitution.ts';

const variables = new Map([
  ['params.who', 'world'],
  ['params.my-param', 'dashed'],
  ['tasks.a.results.outputs', '{"x":1}'],
  ['context.pipelineRun.name', 'run-1'],
]);

describe('Tekton variable substitution', () => {
  const cases: [string, string, string][] = [
    ['a param', 'hello $(params.who)', 'hello world'],
    ['bracket syntax, double quotes', '$(params["who"])', 'world'],
    ['bracket syntax, single quotes', "$(params['my-param'])", 'dashed'],
    ['a task result', 'in=$(tasks.a.results.outputs)', 'in={"x":1}'],
    ['context', '$(context.pipelineRun.name)-x', 'run-1-x'],
    ['an unknown reference stays as written', '$(params.nope)', '$(params.nope)'],
    ['shell arithmetic is not a reference', 'echo $((${A}+${B}))', 'echo $((${A}+${B}))'],
    [
      'shell command substitution is not a reference',
      'x=$(basename "$PWD")',
      'x=$(basename "$PWD")',
    ],
    ['several in one string', '$(params.who)/$(params.who)', 'world/world'],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => {
      assert.equal(substitute(input, variables), expected);
    });
  }

  it('expands an array parameter given as a whole argument with [*]', () => {
    const arrays = new Map([['params.flags', ['-a', '-b']]]);
    assert.deepEqual(
      substituteList(['run', '$(params.flags[*])', '$(params.who)'], variables, arrays),
      ['run', '-a', '-b', 'world'],
    );
  });

  it('finds result references, which order the tasks', () => {
    assert.deepEqual(
      findResultReferences('$(tasks.first-add.results.sum) and $(tasks.b.results.out.x)'),
      [
        { task: 'first-add', result: 'sum' },
        { task: 'b', result: 'out.x' },
      ],
    );
    assert.deepEqual(findResultReferences('$(params.x) $(tasks.a.status)'), []);
  });
});

describe('Go durations', () => {
  const cases: [string, number | undefined][] = [
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1.5s', 1500],
    ['0', 0],
    ['0s', 0],
    ['10', undefined],
    ['1d', undefined],
  ];
  for (const [text, ms] of cases) {
    it(`parses ${text}`, () => {
      assert.equal(parseDuration(text), ms);
    });
  }
  it('formats as Go does', () => {
    assert.equal(formatDuration(3_600_000), '1h0m0s');
    assert.equal(formatDuration(90_000), '1m30s');
    assert.equal(formatDuration(1500), '1.5s');
    assert.equal(formatDuration(250), '250ms');
  });
});
