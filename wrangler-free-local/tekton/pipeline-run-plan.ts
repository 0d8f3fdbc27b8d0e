/**
 * The pure PipelineRun planner: from the run, its resolved pipeline and its TaskRuns, which
 * TaskRuns to create or cancel and the status to write, with Tekton's reasons and messages
 * (pkg/reconciler/pipelinerun/resources/pipelinerunstate.go).
 */
import { succeeded, succeededCondition } from './conditions.ts';
import { taskRunName } from './child-names.ts';
import {
  cancellations,
  finalCondition,
  runningMessage,
  stopsOf,
  type Counts,
  type Stops,
} from './pipeline-run-stops.ts';
import { readyTasks } from './pipeline-dag.ts';
import { pipelineVariables, withTaskContext } from './pipeline-variables.ts';
import { substituteWhen, whenAllows } from './when-expressions.ts';
import { findResultReferences, stringsOf, substitute, substituteValue } from './substitution.ts';
import type {
  Param,
  PipelineRun,
  PipelineRunStatus,
  PipelineSpec,
  PipelineTask,
  SkippedTask,
  TaskRun,
} from './types.ts';
import { TEKTON_API_VERSION } from './types.ts';

export interface TaskRunToCreate {
  pipelineTask: PipelineTask;
  params: Param[];
  memberOf: 'tasks' | 'finally';
  /** Epoch ms by which the TaskRun must end (the pipeline's tasks/finally/pipeline timeout). */
  deadlineMs?: number;
}

export interface PipelineRunPlan {
  create: TaskRunToCreate[];
  /** TaskRuns (by pipeline task) to cancel, with the message Tekton gives them. */
  cancel: { pipelineTask: string; message: string }[];
  status: PipelineRunStatus;
  requeueAtMs?: number;
}

type TaskState = 'succeeded' | 'failed' | 'cancelled' | 'running';

function stateOf(taskRun: TaskRun): TaskState {
  const condition = succeededCondition(taskRun.status);
  if (condition?.status === 'True') return 'succeeded';
  if (condition?.status !== 'False') return 'running';
  return condition.reason === 'TaskRunCancelled' ? 'cancelled' : 'failed';
}

function missingResults(task: PipelineTask, variables: ReadonlyMap<string, string>): boolean {
  return (task.params ?? [])
    .flatMap((param) => stringsOf(param.value))
    .flatMap(findResultReferences)
    .some((ref) => !variables.has(`tasks.${ref.task}.results.${ref.result}`));
}

function toCreate(
  task: PipelineTask,
  memberOf: TaskRunToCreate['memberOf'],
  variables: Variables,
  deadlineMs: number | undefined,
): TaskRunToCreate {
  const withContext = withTaskContext(variables.strings, task.retries ?? 0);
  return {
    pipelineTask: task,
    memberOf,
    params: (task.params ?? []).map((param) => ({
      name: param.name,
      value:
        arrayReference(param.value, variables.arrays) ?? substituteValue(param.value, withContext),
    })),
    ...(deadlineMs === undefined ? {} : { deadlineMs }),
  };
}

type Variables = { strings: Map<string, string>; arrays: Map<string, string[]> };

/** Why a task that may start will not run: missing results or `when` evaluated to false. */
function skipOf(task: PipelineTask, variables: Variables): SkippedTask | undefined {
  if (missingResults(task, variables.strings))
    return { name: task.name, reason: 'Results were missing' };
  const when = task.when ?? [];
  if (whenAllows(when, variables.strings)) return undefined;
  return {
    name: task.name,
    reason: 'When Expressions evaluated to false',
    whenExpressions: substituteWhen(when, variables.strings),
  };
}

/**
 * The DAG tasks to start now. A skipped task counts as done for the tasks after it (Tekton
 * skips only the task itself), so skipping repeats until nothing more becomes ready.
 */
function startDag(
  dag: readonly PipelineTask[],
  states: ReadonlyMap<string, TaskState>,
  variables: Variables,
  deadline: number | undefined,
): { create: TaskRunToCreate[]; skipped: SkippedTask[] } {
  const decided = new Set(states.keys());
  const done = new Set(
    [...states].filter(([, state]) => state === 'succeeded').map(([name]) => name),
  );
  const create: TaskRunToCreate[] = [];
  const skipped: SkippedTask[] = [];
  for (
    let ready = readyTasks(dag, decided, done);
    ready.length > 0;
    ready = readyTasks(dag, decided, done)
  ) {
    for (const task of ready) {
      decided.add(task.name);
      const skip = skipOf(task, variables);
      if (skip) {
        skipped.push(skip);
        done.add(task.name);
      } else create.push(toCreate(task, 'tasks', variables, deadline));
    }
  }
  return { create, skipped };
}

/** Which tasks start now and which will never run, from the states of the started ones. */
function schedule(
  dag: readonly PipelineTask[],
  finallyTasks: readonly PipelineTask[],
  states: ReadonlyMap<string, TaskState>,
  stops: Stops,
  variables: Variables,
): { create: TaskRunToCreate[]; skipped: SkippedTask[]; dagSettled: boolean } {
  const notStarted = (tasks: readonly PipelineTask[]): PipelineTask[] =>
    tasks.filter((task) => !states.has(task.name));
  const failed = (task: PipelineTask): boolean =>
    states.get(task.name) === 'failed' || states.get(task.name) === 'cancelled';
  const stopping = stops.stopDag || dag.some(failed);
  const dagRunning = dag.some((task) => states.get(task.name) === 'running');
  const create: TaskRunToCreate[] = [];
  const skipped: SkippedTask[] = [];
  const skipAll = (tasks: PipelineTask[], reason: string): void => {
    for (const task of tasks) skipped.push({ name: task.name, reason });
  };
  if (stops.pipelineTimedOut || stopping) skipAll(notStarted(dag), stops.skipReason);
  else {
    const started = startDag(dag, states, variables, stops.tasksDeadline ?? stops.pipelineDeadline);
    create.push(...started.create);
    skipped.push(...started.skipped);
  }
  const pending = notStarted(dag).filter(
    (task) => !skipped.some((skip) => skip.name === task.name),
  );
  const dagSettled = !dagRunning && (stopping || pending.length === 0);
  if (stops.pipelineTimedOut || stops.hardCancelled)
    skipAll(notStarted(finallyTasks), stops.skipReason);
  else if (dagSettled) {
    for (const task of notStarted(finallyTasks)) {
      const skip = skipOf(task, variables);
      if (skip) skipped.push(skip);
      else create.push(toCreate(task, 'finally', variables, stops.pipelineDeadline));
    }
  }
  return { create, skipped, dagSettled };
}

export function planPipelineRun(
  run: PipelineRun,
  spec: PipelineSpec,
  taskRuns: ReadonlyMap<string, TaskRun>,
  now: Date,
): PipelineRunPlan {
  const startTime = run.status?.startTime ?? now.toISOString();
  const dag = spec.tasks ?? [];
  const finallyTasks = spec.finally ?? [];
  const all = [...dag, ...finallyTasks];
  const states = new Map([...taskRuns].map(([task, taskRun]) => [task, stateOf(taskRun)]));
  const inState = (tasks: readonly PipelineTask[], ...wanted: TaskState[]): PipelineTask[] =>
    tasks.filter((task) => wanted.some((state) => states.get(task.name) === state));
  const stops = stopsOf(run, startTime, now);
  const cancel = cancellations(
    stops,
    inState(all, 'running'),
    new Set(finallyTasks.map((task) => task.name)),
    taskRuns,
  );
  const variables = pipelineVariables(run, spec, taskRuns);
  const { create, skipped, dagSettled } = schedule(dag, finallyTasks, states, stops, variables);
  const name = run.metadata?.name ?? '';
  const childReferences = all
    .filter((task) => taskRuns.has(task.name) || create.some((item) => item.pipelineTask === task))
    .map((task) => ({
      apiVersion: TEKTON_API_VERSION,
      kind: 'TaskRun' as const,
      name: taskRunName(name, task.name),
      pipelineTaskName: task.name,
    }));
  const counts: Counts = {
    completed: inState(all, 'succeeded', 'failed', 'cancelled').length,
    failed: inState(all, 'failed').length,
    cancelled: inState(all, 'cancelled').length,
    skipped: skipped.length,
    total: all.length,
  };
  const running = inState(all, 'running').length + create.length;
  const finished = stops.pipelineTimedOut || stops.hardCancelled || (running === 0 && dagSettled);
  const base: PipelineRunStatus = {
    ...run.status,
    startTime,
    pipelineSpec: spec,
    childReferences,
    ...(skipped.length > 0 ? { skippedTasks: skipped } : {}),
  };
  if (!finished) {
    const reason = childReferences.length > 0 ? 'Running' : 'Started';
    const deadlines = [stops.pipelineDeadline, stops.tasksDeadline].filter(
      (deadline): deadline is number => deadline !== undefined && deadline > now.getTime(),
    );
    return {
      create,
      cancel,
      status: {
        ...base,
        conditions: succeeded(run.status, 'Unknown', reason, runningMessage(counts), now),
      },
      ...(deadlines.length > 0 ? { requeueAtMs: Math.min(...deadlines) } : {}),
    };
  }
  const [status, reason, message] = finalCondition(run, stops, counts);
  const results = pipelineResults(spec, variables.strings);
  return {
    create: [],
    cancel,
    status: {
      ...base,
      conditions: succeeded(run.status, status, reason, message, now),
      completionTime: run.status?.completionTime ?? now.toISOString(),
      ...(results.length > 0 ? { results } : {}),
    },
  };
}

/** A param value that is exactly `$(params.a[*])` passes the whole array. */
function arrayReference(
  value: Param['value'],
  arrays: ReadonlyMap<string, string[]>,
): string[] | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^\$\((params\.[^()[\]]+)\[\*\]\)$/.exec(value);
  return match ? arrays.get(match[1] ?? '') : undefined;
}

/** Pipeline results whose task results exist; Tekton leaves out the ones it cannot resolve. */
function pipelineResults(
  spec: PipelineSpec,
  variables: ReadonlyMap<string, string>,
): { name: string; value: string }[] {
  return (spec.results ?? []).flatMap((result) => {
    const value = substitute(result.value, variables);
    return findResultReferences(value).length > 0 ? [] : [{ name: result.name, value }];
  });
}
