/**
 * What a step's status says of its TaskRun (pure): the attempt, phase, times, outputs (the
 * `outputs` result, a JSON object) and, for a failure, a reason as the Jobs backend gives it
 * (ActionFailed / InvalidInputs with the exit code, StepTimeout, ImagePullBackOff…), so a
 * user reading the run cannot tell the backends apart by step status.
 */
import type { StepStatus } from '../../api/workflow-execution.ts';
import { ACTION_TASK_RESULT } from './action-task.ts';
import {
  succeededCondition,
  type TaskRun,
  type TaskRunAttemptStatus,
  type TektonCondition,
} from './tekton-types.ts';

export type ObservedStep = Omit<StepStatus, 'name'> & { phase: StepStatus['phase'] };

/** Tekton's TaskRun reasons → the step reasons of the Jobs backend. */
export function failureOf(condition: TektonCondition | undefined): {
  reason: string;
  message: string;
} {
  const message = condition?.message ?? 'the TaskRun failed';
  const exit = /exited with code (\d+)/.exec(message);
  switch (condition?.reason) {
    case 'TaskRunTimeout':
      return { reason: 'StepTimeout', message };
    case 'TaskRunImagePullFailed':
      return { reason: 'ImagePullBackOff', message };
    case 'TaskRunCancelled':
      return { reason: 'Cancelled', message };
    case 'Failed':
      if (exit?.[1] !== undefined) {
        // Exit code 2 is the action contract's "bad input", as on the Jobs backend.
        const reason = exit[1] === '2' ? 'InvalidInputs' : 'ActionFailed';
        return { reason, message: `exited with code ${exit[1]}` };
      }
      return { reason: 'ActionFailed', message };
    default:
      return { reason: condition?.reason ?? 'Failed', message };
  }
}

/** The `outputs` result as a JSON object; undefined when absent or not an object. */
export function outputsOf(
  status: TaskRunAttemptStatus | undefined,
): Record<string, unknown> | undefined {
  const value = status?.results?.find((result) => result.name === ACTION_TASK_RESULT)?.value;
  if (typeof value !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export function observeTaskRun(taskRun: TaskRun, nowIso: string): ObservedStep {
  const status = taskRun.status ?? {};
  const retried = status.retriesStatus ?? [];
  const condition = succeededCondition(status);
  const childRef = { kind: 'TaskRun', name: taskRun.metadata?.name ?? '' };
  const created = taskRun.metadata?.creationTimestamp;
  const startedAt = status.startTime ?? (created ? new Date(created).toISOString() : nowIso);
  const base = { attempt: retried.length + 1, startedAt, childRef };
  if (condition?.status === 'True') {
    return {
      ...base,
      phase: 'Succeeded',
      completedAt: status.completionTime ?? nowIso,
      outputs: outputsOf(status) ?? {},
      reason: 'Succeeded',
    };
  }
  if (condition?.status === 'False') {
    const failure = failureOf(condition);
    return {
      ...base,
      phase: failure.reason === 'Cancelled' ? 'Cancelled' : 'Failed',
      completedAt: status.completionTime ?? nowIso,
      ...failure,
    };
  }
  if (condition?.reason === 'ToBeRetried') {
    // The failed attempt is the last of retriesStatus; Tekton starts the next one at once.
    const last = retried[retried.length - 1];
    return {
      ...base,
      attempt: retried.length,
      phase: 'Retrying',
      ...(last?.startTime ? { startedAt: last.startTime } : {}),
      ...failureOf(succeededCondition(last)),
    };
  }
  return { ...base, phase: 'Running' };
}
