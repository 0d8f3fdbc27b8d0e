/**
 * What stops a PipelineRun — cancellation (spec.status), the pipeline and tasks timeouts —
 * which TaskRuns that cancels, and the run's messages, as Tekton's PipelineRunFacts tell it.
 */
import { deadlineOf } from './duration.ts';
import type { PipelineRun, PipelineTask, TaskRun } from './types.ts';

const TIMED_OUT_MESSAGE = 'TaskRun cancelled as the PipelineRun it belongs to has timed out.';
const CANCELLED_MESSAGE = 'TaskRun cancelled as the PipelineRun it belongs to has been cancelled.';

/** What stops the run, as Tekton's PipelineRunFacts tell it. */
export interface Stops {
  pipelineDeadline?: number;
  tasksDeadline?: number;
  pipelineTimedOut: boolean;
  tasksTimedOut: boolean;
  /** spec.status Cancelled: everything stops now, finally included. */
  hardCancelled: boolean;
  /** Cancelled or CancelledRunFinally: running DAG tasks are cancelled. */
  cancelDag: boolean;
  /** No DAG task starts any more (finally tasks may). */
  stopDag: boolean;
  skipReason: string;
}

export function stopsOf(run: PipelineRun, startTime: string, now: Date): Stops {
  const timeouts = run.spec?.timeouts ?? {};
  const pipelineDeadline = deadlineOf(startTime, timeouts.pipeline);
  const tasksDeadline = timeouts.tasks ? deadlineOf(startTime, timeouts.tasks) : undefined;
  const pipelineTimedOut = pipelineDeadline !== undefined && now.getTime() >= pipelineDeadline;
  const tasksTimedOut = tasksDeadline !== undefined && now.getTime() >= tasksDeadline;
  const specStatus = run.spec?.status;
  const hardCancelled = specStatus === 'Cancelled';
  const cancelDag = hardCancelled || specStatus === 'CancelledRunFinally';
  const gracefullyStopped = specStatus === 'StoppedRunFinally';
  const reasons: [boolean, string][] = [
    [pipelineTimedOut, 'PipelineRun timeout has been reached'],
    [tasksTimedOut, 'PipelineRun Tasks timeout has been reached'],
    [cancelDag, 'PipelineRun was gracefully cancelled'],
    [gracefullyStopped, 'PipelineRun was gracefully stopped'],
  ];
  return {
    ...(pipelineDeadline === undefined ? {} : { pipelineDeadline }),
    ...(tasksDeadline === undefined ? {} : { tasksDeadline }),
    pipelineTimedOut,
    tasksTimedOut,
    hardCancelled,
    cancelDag,
    stopDag: cancelDag || gracefullyStopped || tasksTimedOut,
    skipReason: reasons.find(([applies]) => applies)?.[1] ?? 'PipelineRun was stopping',
  };
}

/** The TaskRuns to cancel: every running one on timeout or cancel, the DAG's otherwise. */
export function cancellations(
  stops: Stops,
  running: readonly PipelineTask[],
  finallyNames: ReadonlySet<string>,
  taskRuns: ReadonlyMap<string, TaskRun>,
): { pipelineTask: string; message: string }[] {
  const everything = stops.pipelineTimedOut || stops.hardCancelled;
  if (!everything && !stops.cancelDag && !stops.tasksTimedOut) return [];
  const message =
    stops.pipelineTimedOut || (stops.tasksTimedOut && !stops.cancelDag)
      ? TIMED_OUT_MESSAGE
      : CANCELLED_MESSAGE;
  return running
    .filter((task) => everything || !finallyNames.has(task.name))
    .filter((task) => taskRuns.get(task.name)?.spec?.status !== 'TaskRunCancelled')
    .map((task) => ({ pipelineTask: task.name, message }));
}

export interface Counts {
  completed: number;
  failed: number;
  cancelled: number;
  skipped: number;
  total: number;
}

export function runningMessage(counts: Counts): string {
  const incomplete = counts.total - counts.completed - counts.skipped;
  return `Tasks Completed: ${counts.completed} (Failed: ${counts.failed}, Cancelled ${counts.cancelled}), Incomplete: ${incomplete}, Skipped: ${counts.skipped}`;
}

/** The final Succeeded condition, in Tekton's order of precedence. */
export function finalCondition(
  run: PipelineRun,
  stops: Stops,
  counts: Counts,
): ['True' | 'False', string, string] {
  const name = run.metadata?.name ?? '';
  const timeouts = run.spec?.timeouts ?? {};
  const summary = `Tasks Completed: ${counts.completed} (Failed: ${counts.failed}, Cancelled ${counts.cancelled}), Skipped: ${counts.skipped}`;
  if (stops.pipelineTimedOut || stops.tasksTimedOut) {
    const timeout = stops.pipelineTimedOut ? timeouts.pipeline : timeouts.tasks;
    return [
      'False',
      'PipelineRunTimeout',
      `PipelineRun "${name}" failed to finish within "${timeout ?? '1h0m0s'}"`,
    ];
  }
  if (stops.hardCancelled || (stops.cancelDag && counts.failed === 0))
    return ['False', 'Cancelled', `PipelineRun "${name}" was cancelled`];
  if (counts.failed > 0 || counts.cancelled > 0) return ['False', 'Failed', summary];
  if (counts.skipped > 0) return ['True', 'Completed', summary];
  return ['True', 'Succeeded', summary];
}
