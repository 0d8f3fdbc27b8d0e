/**
 * The pure PipelineRun planner: from the run, its resolved pipeline and its TaskRuns, which
 * TaskRuns to create or cancel and the status to write, with Tekton's reasons and messages
 * (pkg/reconciler/pipelinerun/resources/pipelinerunstate.go).
 */
import { createHash } from 'node:crypto';
import { succeeded, succeededCondition } from './conditions.ts';
import { deadlineOf } from './duration.ts';
import { readyTasks } from './pipeline-dag.ts';
import { pipelineVariables, withTaskContext } from './pipeline-variables.ts';
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

const TIMED_OUT_MESSAGE = 'TaskRun cancelled as the PipelineRun it belongs to has timed out.';
const CANCELLED_MESSAGE = 'TaskRun cancelled as the PipelineRun it belongs to has been cancelled.';

export function planPipelineRun(
  run: PipelineRun,
  spec: PipelineSpec,
  taskRuns: ReadonlyMap<string, TaskRun>,
  now: Date,
): PipelineRunPlan {
  const name = run.metadata?.name ?? '';
  const startTime = run.status?.startTime ?? now.toISOString();
  const dag = spec.tasks ?? [];
  const finallyTasks = spec.finally ?? [];
  const states = new Map([...taskRuns].map(([task, taskRun]) => [task, stateOf(taskRun)]));
  const inState = (tasks: readonly PipelineTask[], ...wanted: TaskState[]): PipelineTask[] =>
    tasks.filter((task) => wanted.includes(states.get(task.name) ?? ('none' as TaskState)));
  const notStarted = (tasks: readonly PipelineTask[]): PipelineTask[] =>
    tasks.filter((task) => !states.has(task.name));

  const timeouts = run.spec?.timeouts ?? {};
  const pipelineDeadline = deadlineOf(startTime, timeouts.pipeline);
  const tasksDeadline = timeouts.tasks ? deadlineOf(startTime, timeouts.tasks) : undefined;
  const pipelineTimedOut = pipelineDeadline !== undefined && now.getTime() >= pipelineDeadline;
  const tasksTimedOut = tasksDeadline !== undefined && now.getTime() >= tasksDeadline;
  const specStatus = run.spec?.status;
  const hardCancelled = specStatus === 'Cancelled';
  const cancelDag = hardCancelled || specStatus === 'CancelledRunFinally';
  const stopDag = cancelDag || specStatus === 'StoppedRunFinally' || tasksTimedOut;

  const cancel: PipelineRunPlan['cancel'] = [];
  const cancelRunning = (tasks: readonly PipelineTask[], message: string): void => {
    for (const task of inState(tasks, 'running')) {
      if (taskRuns.get(task.name)?.spec?.status !== 'TaskRunCancelled')
        cancel.push({ pipelineTask: task.name, message });
    }
  };
  if (pipelineTimedOut) cancelRunning([...dag, ...finallyTasks], TIMED_OUT_MESSAGE);
  else if (hardCancelled) cancelRunning([...dag, ...finallyTasks], CANCELLED_MESSAGE);
  else if (cancelDag) cancelRunning(dag, CANCELLED_MESSAGE);
  else if (tasksTimedOut) cancelRunning(dag, TIMED_OUT_MESSAGE);

  const { strings, arrays } = pipelineVariables(run, spec, taskRuns);
  const failedDag = inState(dag, 'failed', 'cancelled').length > 0;
  const stopping = stopDag || failedDag;
  const create: TaskRunToCreate[] = [];
  const skipped: SkippedTask[] = [];
  const skipReason = pipelineTimedOut
    ? 'PipelineRun timeout has been reached'
    : tasksTimedOut
      ? 'PipelineRun Tasks timeout has been reached'
      : cancelDag
        ? 'PipelineRun was gracefully cancelled'
        : specStatus === 'StoppedRunFinally'
          ? 'PipelineRun was gracefully stopped'
          : 'PipelineRun was stopping';
  const toCreate = (task: PipelineTask, memberOf: TaskRunToCreate['memberOf']): TaskRunToCreate => {
    const variables = withTaskContext(strings, task.retries ?? 0);
    const deadlineMs =
      memberOf === 'tasks' ? (tasksDeadline ?? pipelineDeadline) : pipelineDeadline;
    return {
      pipelineTask: task,
      memberOf,
      params: (task.params ?? []).map((param) => ({
        name: param.name,
        value: arrayReference(param.value, arrays) ?? substituteValue(param.value, variables),
      })),
      ...(deadlineMs === undefined ? {} : { deadlineMs }),
    };
  };

  if (pipelineTimedOut || stopping) {
    for (const task of notStarted(dag)) skipped.push({ name: task.name, reason: skipReason });
  } else {
    const started = new Set(states.keys());
    const done = new Set(inState(dag, 'succeeded').map((task) => task.name));
    for (const task of readyTasks(dag, started, done)) create.push(toCreate(task, 'tasks'));
  }

  const dagSettled =
    inState(dag, 'running').length === 0 && (stopping || notStarted(dag).length === 0);
  if (pipelineTimedOut || hardCancelled) {
    for (const task of notStarted(finallyTasks))
      skipped.push({ name: task.name, reason: skipReason });
  } else if (dagSettled) {
    for (const task of notStarted(finallyTasks)) {
      const missing = (task.params ?? [])
        .flatMap((param) => stringsOf(param.value))
        .flatMap(findResultReferences)
        .some((ref) => !strings.has(`tasks.${ref.task}.results.${ref.result}`));
      if (missing) skipped.push({ name: task.name, reason: 'Results were missing' });
      else create.push(toCreate(task, 'finally'));
    }
  }

  const all = [...dag, ...finallyTasks];
  const childReferences = all
    .filter((task) => taskRuns.has(task.name) || create.some((item) => item.pipelineTask === task))
    .map((task) => ({
      apiVersion: TEKTON_API_VERSION,
      kind: 'TaskRun' as const,
      name: taskRunName(name, task.name),
      pipelineTaskName: task.name,
    }));
  const count = (...wanted: TaskState[]): number => inState(all, ...wanted).length;
  const completed = count('succeeded', 'failed', 'cancelled');
  const failed = count('failed');
  const cancelledCount = count('cancelled');
  const running = count('running') + create.length;
  const finished = pipelineTimedOut || hardCancelled || (running === 0 && dagSettled);
  const base: PipelineRunStatus = {
    ...run.status,
    startTime,
    pipelineSpec: spec,
    childReferences,
    ...(skipped.length > 0 ? { skippedTasks: skipped } : {}),
  };
  if (!finished) {
    const incomplete = all.length - completed - skipped.length;
    const message = `Tasks Completed: ${completed} (Failed: ${failed}, Cancelled ${cancelledCount}), Incomplete: ${incomplete}, Skipped: ${skipped.length}`;
    const reason = childReferences.length > 0 ? 'Running' : 'Started';
    const deadlines = [pipelineDeadline, tasksDeadline].filter(
      (deadline): deadline is number => deadline !== undefined && deadline > now.getTime(),
    );
    return {
      create,
      cancel,
      status: { ...base, conditions: succeeded(run.status, 'Unknown', reason, message, now) },
      ...(deadlines.length > 0 ? { requeueAtMs: Math.min(...deadlines) } : {}),
    };
  }
  const summary = `Tasks Completed: ${completed} (Failed: ${failed}, Cancelled ${cancelledCount}), Skipped: ${skipped.length}`;
  const timeout = timeouts.pipeline ?? timeouts.tasks ?? '1h0m0s';
  const [status, reason, message]: ['True' | 'False', string, string] =
    pipelineTimedOut || tasksTimedOut
      ? [
          'False',
          'PipelineRunTimeout',
          `PipelineRun "${name}" failed to finish within "${pipelineTimedOut ? timeout : (timeouts.tasks ?? timeout)}"`,
        ]
      : hardCancelled || (cancelDag && failed === 0)
        ? ['False', 'Cancelled', `PipelineRun "${name}" was cancelled`]
        : failed > 0 || cancelledCount > 0
          ? ['False', 'Failed', summary]
          : skipped.length > 0
            ? ['True', 'Completed', summary]
            : ['True', 'Succeeded', summary];
  const results = pipelineResults(spec, strings);
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
    const value = substitute(String(result.value), variables);
    return findResultReferences(value).length > 0 ? [] : [{ name: result.name, value }];
  });
}

/** Tekton's child name: `<parent>-<suffix>`, shortened with a hash past 63 characters. */
export function taskRunName(pipelineRun: string, pipelineTask: string): string {
  return childName(pipelineRun, `-${pipelineTask}`);
}

/**
 * knative's kmeta.ChildName: past 63 characters, the first 31 of the parent and an md5 (of
 * parent and suffix here, so that siblings differ), without a trailing dash.
 */
export function childName(parent: string, suffix: string): string {
  const name = `${parent}${suffix}`;
  if (name.length <= 63) return name;
  const hash = createHash('md5').update(name).digest('hex');
  return `${parent.slice(0, 31)}${hash}`.replace(/-+$/, '');
}
