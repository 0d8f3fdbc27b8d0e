import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { loadActionTask } from '../../../../src/backends/tekton/action-task.ts';
import { validateTektonObject } from '../../../../src/backends/tekton/validate-tekton.ts';

const EXAMPLES = join(import.meta.dirname, '../../../testdata/tekton');
const documentsOf = (file: string) =>
  parseAllDocuments(readFileSync(join(EXAMPLES, file), 'utf8'))
    .map((document) => document.toJSON() as Parameters<typeof validateTektonObject>[0] | null)
    .filter((object) => object !== null);

const task = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  taskSpec: { steps: [{ name: 'run', image: 'alpine', script: 'true' }] },
  ...extra,
});
const pipelineRun = (
  pipelineSpec: Record<string, unknown>,
  spec: Record<string, unknown> = {},
) => ({
  kind: 'PipelineRun',
  metadata: { name: 'run' },
  spec: { pipelineSpec, ...spec },
});
const messages = (object: Parameters<typeof validateTektonObject>[0]) =>
  validateTektonObject(object).map((problem) => `${problem.path}: ${problem.message}`);

describe('validateTektonObject', () => {
  it("accepts Tekton's own example runs, pipelines and tasks", () => {
    const files = readdirSync(EXAMPLES).filter((file) => file.endsWith('.yaml'));
    assert.ok(files.length >= 5);
    for (const file of files) {
      const tasks = new Map(
        documentsOf(file)
          .filter((object) => object.kind === 'Task')
          .map((object) => [object.metadata?.name ?? '', object.spec ?? {}]),
      );
      for (const object of documentsOf(file)) {
        assert.deepEqual(
          validateTektonObject(object, (name) => tasks.get(name)),
          [],
          `${file} ${object.kind ?? ''}`,
        );
      }
    }
  });

  it('accepts the kubernaut-action Task, which has no script at all', () => {
    const actionTask = loadActionTask();
    assert.deepEqual(validateTektonObject(actionTask), []);
    assert.ok(actionTask.spec.steps?.every((step) => step.script === undefined));
    assert.equal(actionTask.spec.steps?.[0]?.image, '$(params.actionImage)');
  });

  const rejected: [string, Parameters<typeof validateTektonObject>[0], string][] = [
    [
      'a task name that is not a DNS-1123 label',
      pipelineRun({ tasks: [task('Bad_Name')] }),
      'spec.pipelineSpec.tasks[0].name: "Bad_Name" is not a DNS-1123 label',
    ],
    [
      'a repeated task name',
      pipelineRun({ tasks: [task('a'), task('a')] }),
      'spec.pipelineSpec.tasks: task name "a" is repeated',
    ],
    [
      'runAfter naming no task',
      pipelineRun({ tasks: [task('a', { runAfter: ['b'] })] }),
      'spec.pipelineSpec.tasks[0].runAfter[0]: no task named "b"',
    ],
    [
      'a cycle',
      pipelineRun({ tasks: [task('a', { runAfter: ['b'] }), task('b', { runAfter: ['a'] })] }),
      'spec.pipelineSpec.tasks: cycle: a -> b -> a',
    ],
    [
      'an undeclared param',
      pipelineRun({ tasks: [task('a', { params: [{ name: 'x', value: '$(params.nope)' }] })] }),
      'spec.pipelineSpec.tasks[0].params[0].value: $(params.nope) names no declared param',
    ],
    [
      'a workspace the pipeline does not declare',
      pipelineRun({ tasks: [task('a', { workspaces: [{ name: 'w', workspace: 'nope' }] })] }),
      'spec.pipelineSpec.tasks[0].workspaces[0]: workspace "nope" is not declared by the pipeline',
    ],
    [
      'a declared workspace left unbound',
      pipelineRun({ workspaces: [{ name: 'ws' }], tasks: [task('a')] }),
      'spec.workspaces: workspace "ws" is not bound',
    ],
    [
      'a result reference to a later or unknown task',
      pipelineRun({
        tasks: [task('a', { params: [{ name: 'x', value: '$(tasks.a.results.r)' }] })],
      }),
      'spec.pipelineSpec.tasks[0].params[0].value: $(tasks.a.results.r) must name a task that runs before "a"',
    ],
    [
      'both taskRef and taskSpec',
      pipelineRun({ tasks: [task('a', { taskRef: { name: 't' } })] }),
      'spec.pipelineSpec.tasks[0]: exactly one of taskRef and taskSpec',
    ],
    [
      'a malformed timeout',
      pipelineRun({ tasks: [task('a')] }, { timeouts: { pipeline: 'soon' } }),
      'spec.timeouts.pipeline: "soon" is not a duration such as 1h30m or 30s',
    ],
    [
      'a step using an undeclared result',
      {
        kind: 'Task',
        metadata: { name: 't' },
        spec: { steps: [{ image: 'a', script: 'echo > $(results.r.path)' }] },
      },
      'spec.steps[0].script: $(results.r.path) is not declared',
    ],
  ];
  for (const [name, object, expected] of rejected) {
    it(`rejects ${name}`, () => {
      assert.ok(messages(object).includes(expected), messages(object).join('\n'));
    });
  }
});
