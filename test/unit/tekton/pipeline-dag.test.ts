import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  dependenciesOf,
  readyTasks,
  validatePipelineSpec,
} from '../../../wrangler-free-local/tekton/pipeline-dag.ts';
import type { PipelineSpec, PipelineTask } from '../../../wrangler-free-local/tekton/types.ts';

const spec = { steps: [{ image: 'x' }] };
const task = (name: string, extra: Partial<PipelineTask> = {}): PipelineTask => ({
  name,
  taskSpec: spec,
  ...extra,
});

describe('pipeline DAG', () => {
  it('orders by runAfter and by result references', () => {
    assert.deepEqual(
      dependenciesOf(
        task('c', {
          runAfter: ['a'],
          params: [
            { name: 'p', value: '$(tasks.b.results.out)' },
            { name: 'q', value: ['$(tasks.a.results.x)', 'literal'] },
          ],
          when: [
            { input: '$(tasks.w.results.r)', operator: 'in', values: ['$(tasks.v.results.s)'] },
          ],
        }),
      ),
      ['a', 'b', 'w', 'v'],
    );
  });

  it('starts the tasks whose dependencies all succeeded, once', () => {
    const tasks = [
      task('a'),
      task('b', { runAfter: ['a'] }),
      task('c', { params: [{ name: 'p', value: '$(tasks.b.results.r)' }] }),
      task('d'),
    ];
    const names = (list: PipelineTask[]): string[] => list.map((item) => item.name);
    assert.deepEqual(names(readyTasks(tasks, new Set(), new Set())), ['a', 'd']);
    assert.deepEqual(names(readyTasks(tasks, new Set(['a', 'd']), new Set(['d']))), []);
    assert.deepEqual(names(readyTasks(tasks, new Set(['a', 'd']), new Set(['a']))), ['b']);
    assert.deepEqual(names(readyTasks(tasks, new Set(['a', 'b', 'd']), new Set(['a', 'b']))), [
      'c',
    ]);
  });

  const invalid: [string, PipelineSpec, RegExp][] = [
    ['no tasks', { tasks: [] }, /expected at least one/],
    ['a duplicate name', { tasks: [task('a'), task('a')] }, /expected exactly one, got both/],
    ['a bad name', { tasks: [task('A_b')] }, /DNS-1123/],
    [
      'taskRef and taskSpec',
      { tasks: [{ name: 'a', taskRef: { name: 't' }, taskSpec: spec }] },
      /got both/,
    ],
    ['neither taskRef nor taskSpec', { tasks: [{ name: 'a' }] }, /got neither/],
    ['an unknown runAfter', { tasks: [task('a', { runAfter: ['zz'] })] }, /depends on "zz"/],
    [
      'a result of an unknown task',
      { tasks: [task('a', { params: [{ name: 'p', value: '$(tasks.zz.results.r)' }] })] },
      /depends on "zz"/,
    ],
    [
      'a cycle',
      { tasks: [task('a', { runAfter: ['b'] }), task('b', { runAfter: ['a'] })] },
      /cycle detected/,
    ],
    [
      'runAfter in finally',
      { tasks: [task('a')], finally: [task('f', { runAfter: ['a'] })] },
      /no runAfter allowed/,
    ],
  ];
  for (const [name, pipeline, message] of invalid) {
    it(`rejects ${name}`, () => {
      assert.match(validatePipelineSpec(pipeline) ?? '', message);
    });
  }

  it('accepts a valid pipeline with finally tasks', () => {
    assert.equal(
      validatePipelineSpec({
        tasks: [task('a'), task('b', { runAfter: ['a'] })],
        finally: [task('f')],
      }),
      undefined,
    );
  });
});
