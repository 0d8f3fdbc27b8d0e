import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { childName, taskRunName } from '../../../wrangler-free-local/tekton/child-names.ts';
import { planPipelineRun } from '../../../wrangler-free-local/tekton/pipeline-run-plan.ts';
import { buildTaskRun } from '../../../wrangler-free-local/tekton/pipeline-task-run.ts';
import type {
  PipelineRun,
  PipelineSpec,
  TaskRun,
} from '../../../wrangler-free-local/tekton/types.ts';

const NOW = new Date('2026-01-01T00:10:00Z');
const STARTED = '2026-01-01T00:00:00Z';
const step = { steps: [{ image: 'x' }] };

const spec: PipelineSpec = {
  params: [{ name: 'who' }, { name: 'greeting', default: 'hi' }],
  tasks: [
    {
      name: 'a',
      taskSpec: step,
      params: [
        { name: 'p', value: '$(params.greeting) $(params.who) $(context.pipelineRun.name)' },
      ],
    },
    { name: 'b', taskSpec: step, params: [{ name: 'in', value: '$(tasks.a.results.out)' }] },
    { name: 'c', runAfter: ['a'], taskSpec: step },
  ],
  finally: [
    { name: 'f', taskSpec: step, params: [{ name: 'x', value: '$(tasks.b.results.out)' }] },
  ],
  results: [{ name: 'final', value: '$(tasks.b.results.out)!' }],
};

const run = (
  extra: Partial<NonNullable<PipelineRun['spec']>> = {},
  started = true,
): PipelineRun => ({
  metadata: { name: 'run', namespace: 'default', uid: 'uid-1' },
  spec: { params: [{ name: 'who', value: 'world' }], ...extra },
  ...(started ? { status: { startTime: STARTED } } : {}),
});

type State = 'running' | 'ok' | 'failed' | 'cancelled' | 'timeout';
const taskRuns = (states: Record<string, State>): Map<string, TaskRun> =>
  new Map(
    Object.entries(states).map(([task, state]) => {
      const [status, reason] = {
        running: ['Unknown', 'Running'],
        ok: ['True', 'Succeeded'],
        failed: ['False', 'Failed'],
        cancelled: ['False', 'TaskRunCancelled'],
        timeout: ['False', 'TaskRunTimeout'],
      }[state] as ['Unknown' | 'True' | 'False', string];
      return [
        task,
        {
          metadata: { name: taskRunName('run', task) },
          status: {
            conditions: [{ type: 'Succeeded', status, reason }],
            ...(state === 'ok'
              ? { results: [{ name: 'out', type: 'string' as const, value: `${task}-out` }] }
              : {}),
          },
        },
      ];
    }),
  );

describe('planPipelineRun', () => {
  it('starts the roots with params substituted (defaults, run values, context)', () => {
    const plan = planPipelineRun(run({}, false), spec, new Map(), NOW);
    assert.deepEqual(
      plan.create.map((item) => [item.pipelineTask.name, item.params]),
      [['a', [{ name: 'p', value: 'hi world run' }]]],
    );
    assert.equal(plan.status.startTime, NOW.toISOString());
    assert.equal(plan.status.conditions?.[0]?.reason, 'Running');
    assert.deepEqual(plan.status.childReferences, [
      { apiVersion: 'tekton.dev/v1', kind: 'TaskRun', name: 'run-a', pipelineTaskName: 'a' },
    ]);
    assert.equal(plan.requeueAtMs, NOW.getTime() + 3_600_000, 'the default 1h pipeline timeout');
  });

  const table: {
    name: string;
    states: Record<string, State>;
    extra?: Partial<NonNullable<PipelineRun['spec']>>;
    create: string[];
    cancel?: string[];
    condition: [string, string, string?];
    skipped?: [string, string][];
  }[] = [
    {
      name: 'a running: nothing new',
      states: { a: 'running' },
      create: [],
      condition: [
        'Unknown',
        'Running',
        'Tasks Completed: 0 (Failed: 0, Cancelled 0), Incomplete: 4, Skipped: 0',
      ],
    },
    {
      name: 'a done: its dependents start',
      states: { a: 'ok' },
      create: ['b', 'c'],
      condition: ['Unknown', 'Running'],
    },
    {
      name: 'the DAG done: finally starts',
      states: { a: 'ok', b: 'ok', c: 'ok' },
      create: ['f'],
      condition: ['Unknown', 'Running'],
    },
    {
      name: 'all done: Succeeded',
      states: { a: 'ok', b: 'ok', c: 'ok', f: 'ok' },
      create: [],
      condition: ['True', 'Succeeded', 'Tasks Completed: 4 (Failed: 0, Cancelled 0), Skipped: 0'],
    },
    {
      name: 'a failed: the rest skipped, finally skipped for a missing result, Failed',
      states: { a: 'failed' },
      create: [],
      condition: ['False', 'Failed', 'Tasks Completed: 1 (Failed: 1, Cancelled 0), Skipped: 3'],
      skipped: [
        ['b', 'PipelineRun was stopping'],
        ['c', 'PipelineRun was stopping'],
        ['f', 'Results were missing'],
      ],
    },
    {
      name: 'a task failed while another runs: wait for it, start nothing',
      states: { a: 'ok', b: 'failed', c: 'running' },
      create: [],
      condition: ['Unknown', 'Running'],
    },
    {
      name: 'a timed-out task counts as failed',
      states: { a: 'ok', b: 'ok', c: 'timeout' },
      create: ['f'],
      condition: ['Unknown', 'Running'],
    },
    {
      name: 'cancelled: running TaskRuns cancelled, the rest skipped',
      states: { a: 'running' },
      extra: { status: 'Cancelled' },
      create: [],
      cancel: ['a'],
      condition: ['False', 'Cancelled', 'PipelineRun "run" was cancelled'],
      skipped: [
        ['b', 'PipelineRun was gracefully cancelled'],
        ['c', 'PipelineRun was gracefully cancelled'],
        ['f', 'PipelineRun was gracefully cancelled'],
      ],
    },
    {
      name: 'pipeline timeout: running TaskRuns cancelled, PipelineRunTimeout',
      states: { a: 'ok', b: 'running', c: 'running' },
      extra: { timeouts: { pipeline: '5m' } },
      create: [],
      cancel: ['b', 'c'],
      condition: ['False', 'PipelineRunTimeout', 'PipelineRun "run" failed to finish within "5m"'],
      skipped: [['f', 'PipelineRun timeout has been reached']],
    },
    {
      name: 'tasks timeout: the DAG is cancelled, finally still runs',
      states: { a: 'ok', b: 'ok', c: 'cancelled' },
      extra: { timeouts: { pipeline: '1h', tasks: '5m' } },
      create: ['f'],
      condition: ['Unknown', 'Running'],
    },
  ];
  for (const row of table) {
    it(row.name, () => {
      const plan = planPipelineRun(run(row.extra), spec, taskRuns(row.states), NOW);
      assert.deepEqual(
        plan.create.map((item) => item.pipelineTask.name),
        row.create,
      );
      assert.deepEqual(
        plan.cancel.map((item) => item.pipelineTask),
        row.cancel ?? [],
      );
      const condition = plan.status.conditions?.[0];
      assert.equal(condition?.status, row.condition[0]);
      assert.equal(condition?.reason, row.condition[1]);
      if (row.condition[2]) assert.equal(condition?.message, row.condition[2]);
      assert.deepEqual(
        plan.status.skippedTasks?.map((skip) => [skip.name, skip.reason]) ?? [],
        row.skipped ?? [],
      );
    });
  }

  it('passes results on: b gets a result of a, the pipeline result is computed at the end', () => {
    const next = planPipelineRun(run(), spec, taskRuns({ a: 'ok' }), NOW);
    assert.deepEqual(next.create.find((item) => item.pipelineTask.name === 'b')?.params, [
      { name: 'in', value: 'a-out' },
    ]);
    const done = planPipelineRun(
      run(),
      spec,
      taskRuns({ a: 'ok', b: 'ok', c: 'ok', f: 'ok' }),
      NOW,
    );
    assert.deepEqual(done.status.results, [{ name: 'final', value: 'b-out!' }]);
    assert.equal(done.status.completionTime, NOW.toISOString());
  });

  it('ends with Completed when tasks were skipped without failures', () => {
    const skipping: PipelineSpec = {
      tasks: [{ name: 'a', taskSpec: step }],
      finally: [
        { name: 'f', taskSpec: step, params: [{ name: 'x', value: '$(tasks.a.results.none)' }] },
      ],
    };
    const plan = planPipelineRun(run(), skipping, taskRuns({ a: 'ok' }), NOW);
    assert.equal(plan.status.conditions?.[0]?.reason, 'Completed');
    assert.equal(plan.status.conditions?.[0]?.status, 'True');
  });

  it('builds the TaskRun as Tekton does: name, labels, owner, workspaces, remaining timeout, retries', () => {
    const pipelineRun: PipelineRun = {
      ...run({
        pipelineRef: { name: 'pipe' },
        timeouts: { pipeline: '1h' },
        workspaces: [{ name: 'ws', volumeClaimTemplate: { spec: {} } }],
      }),
    };
    const taskRun = buildTaskRun(
      pipelineRun,
      {
        pipelineTask: {
          name: 'a',
          taskRef: { name: 'task' },
          retries: 2,
          workspaces: [{ name: 'src', workspace: 'ws', subPath: 'dir' }],
        },
        params: [],
        memberOf: 'tasks',
        deadlineMs: Date.parse(STARTED) + 3_600_000,
      },
      NOW,
    );
    assert.equal(taskRun.metadata?.name, 'run-a');
    assert.deepEqual(
      taskRun.metadata?.ownerReferences?.map((owner) => [owner.kind, owner.name, owner.controller]),
      [['PipelineRun', 'run', true]],
    );
    const labels = taskRun.metadata?.labels ?? {};
    assert.deepEqual(
      [
        'tekton.dev/pipeline',
        'tekton.dev/pipelineRun',
        'tekton.dev/pipelineTask',
        'tekton.dev/task',
        'tekton.dev/memberOf',
      ].map((key) => labels[key]),
      ['pipe', 'run', 'a', 'task', 'tasks'],
    );
    assert.equal(taskRun.spec?.timeout, '50m0s');
    assert.equal(taskRun.spec?.retries, 2);
    assert.match(
      taskRun.spec?.workspaces?.[0]?.persistentVolumeClaim?.claimName ?? '',
      /^pvc-[0-9a-f]{10}$/,
    );
    assert.equal(taskRun.spec?.workspaces?.[0]?.subPath, 'dir');
  });

  it('skips a task whose when expressions are false; the tasks after it still run', () => {
    const guarded: PipelineSpec = {
      params: [{ name: 'mode', default: 'dry' }],
      tasks: [
        { name: 'check', taskSpec: step },
        {
          name: 'apply',
          runAfter: ['check'],
          when: [{ input: '$(params.mode)', operator: 'in', values: ['live'] }],
          taskSpec: step,
        },
        { name: 'report', runAfter: ['apply'], taskSpec: step },
        {
          name: 'notify',
          when: [{ input: '$(tasks.check.results.out)', operator: 'notin', values: ['quiet'] }],
          taskSpec: step,
        },
      ],
    };
    const plan = planPipelineRun(run(), guarded, taskRuns({ check: 'ok' }), NOW);
    assert.deepEqual(
      plan.create.map((item) => item.pipelineTask.name),
      ['notify', 'report'],
    );
    assert.deepEqual(plan.status.skippedTasks, [
      {
        name: 'apply',
        reason: 'When Expressions evaluated to false',
        whenExpressions: [{ input: 'dry', operator: 'in', values: ['live'] }],
      },
    ]);
    const done = planPipelineRun(
      run(),
      guarded,
      taskRuns({ check: 'ok', report: 'ok', notify: 'ok' }),
      NOW,
    );
    assert.equal(done.status.conditions?.[0]?.reason, 'Completed');
    assert.equal(
      done.status.conditions?.[0]?.message,
      'Tasks Completed: 3 (Failed: 0, Cancelled 0), Skipped: 1',
    );
  });

  it('gives finally tasks the execution status of the DAG tasks', () => {
    const withFinally: PipelineSpec = {
      tasks: [
        { name: 'a', taskSpec: step },
        { name: 'b', taskSpec: step },
      ],
      finally: [
        {
          name: 'f',
          taskSpec: step,
          params: [{ name: 's', value: '$(tasks.a.status)/$(tasks.b.status)/$(tasks.status)' }],
        },
      ],
    };
    const failed = planPipelineRun(run(), withFinally, taskRuns({ a: 'ok', b: 'failed' }), NOW);
    assert.deepEqual(failed.create[0]?.params, [{ name: 's', value: 'Succeeded/Failed/Failed' }]);
    const succeeded = planPipelineRun(run(), withFinally, taskRuns({ a: 'ok', b: 'ok' }), NOW);
    assert.deepEqual(succeeded.create[0]?.params, [
      { name: 's', value: 'Succeeded/Succeeded/Succeeded' },
    ]);
  });

  it('names children as knative does: short names as they are, long ones hashed to 63', () => {
    assert.equal(taskRunName('run', 'task'), 'run-task');
    const long = childName('a'.repeat(60), '-pod');
    assert.equal(long.length, 63);
    assert.match(long, /^a{31}[0-9a-f]{32}$/);
    assert.notEqual(childName('a'.repeat(60), '-x'), childName('a'.repeat(60), '-y'));
  });
});
