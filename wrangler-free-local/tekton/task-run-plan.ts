/**
 * The pure TaskRun planner: from the TaskRun and its current pod, whether to create or stop
 * the pod and the status to write — steps from container states, results from the steps'
 * termination messages, retries recorded in retriesStatus, timeouts and cancellation with
 * Tekton's reasons and messages (pkg/pod/status.go, pkg/reconciler/taskrun).
 */
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { isDone, succeeded } from './conditions.ts';
import { deadlineOf } from './duration.ts';
import { podNameOf, stepContainerName } from './task-run-pod.ts';
import type { StepState, TaskRun, TaskRunResult, TaskRunStatus, TaskSpec } from './types.ts';

export interface TaskRunPlan {
  /** The pod to create (named by podNameOf) when the attempt has none yet. */
  createPod: boolean;
  /** A pod to stop (delete) because the TaskRun timed out or was cancelled. */
  deletePod?: string;
  status: TaskRunStatus;
  requeueAtMs?: number;
  /** Set when the TaskRun (or an attempt) ended now: the event to record. */
  ended?: { reason: string; message: string; retrying: boolean };
}

interface Outcome {
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  stopPod?: boolean;
}

/** Tekton's results of a step: the `{key, value, type}` entries of its termination message. */
export function parseTerminationMessage(message: string | undefined): Map<string, string> {
  const results = new Map<string, string>();
  if (!message) return results;
  try {
    const entries = JSON.parse(message) as unknown;
    if (!Array.isArray(entries)) return results;
    for (const entry of entries as { key?: unknown; value?: unknown; type?: unknown }[]) {
      // type 1 is TaskRunResultType; 3 is Tekton-internal (e.g. StartedAt).
      if (
        typeof entry.key === 'string' &&
        typeof entry.value === 'string' &&
        (entry.type ?? 1) === 1
      )
        results.set(entry.key, entry.value);
    }
  } catch {
    // A message that is not Tekton's JSON carries no results.
  }
  return results;
}

/** The exit code a step with `onError: continue` reported instead of failing. */
export function continuedExitCode(message: string | undefined): number | undefined {
  try {
    const entries = JSON.parse(message ?? '') as {
      key?: unknown;
      value?: unknown;
      type?: unknown;
    }[];
    const entry = Array.isArray(entries)
      ? entries.find((item) => item.key === 'ExitCode' && item.type === 3)
      : undefined;
    return typeof entry?.value === 'string' ? Number(entry.value) : undefined;
  } catch {
    return undefined;
  }
}

function terminatedState(state: V1ContainerStatus['state']): Partial<StepState> {
  const terminated = state?.terminated;
  if (!terminated) return {};
  const continued = continuedExitCode(terminated.message);
  return continued === undefined
    ? { terminated, terminationReason: terminated.reason ?? '' }
    : { terminated: { ...terminated, exitCode: continued }, terminationReason: 'Continued' };
}

function stepStates(spec: TaskSpec, pod: V1Pod): StepState[] {
  const statuses = new Map(
    (pod.status?.containerStatuses ?? []).map((status) => [status.name, status]),
  );
  return (spec.steps ?? []).map((step, index) => {
    const container = stepContainerName(step, index);
    const status: V1ContainerStatus | undefined = statuses.get(container);
    const state = status?.state;
    return {
      name: step.name ?? `unnamed-${String(index)}`,
      container,
      ...(status?.imageID ? { imageID: status.imageID } : {}),
      ...terminatedState(state),
      ...(state?.running ? { running: { startedAt: String(state.running.startedAt ?? '') } } : {}),
      ...(state?.waiting ? { waiting: { ...state.waiting } } : {}),
    };
  });
}

function resultsOf(spec: TaskSpec, steps: StepState[]): TaskRunResult[] {
  const values = new Map<string, string>();
  for (const step of steps)
    for (const [key, value] of parseTerminationMessage(step.terminated?.message))
      values.set(key, value);
  return (spec.results ?? []).flatMap((result) => {
    const value = values.get(result.name);
    return value === undefined ? [] : [{ name: result.name, type: 'string' as const, value }];
  });
}

/** A step that cannot start (image, config) fails the TaskRun at once, as in Tekton. */
function waitingFailure(taskRun: TaskRun, pod: V1Pod, steps: StepState[]): Outcome | undefined {
  for (const step of steps) {
    const reason = step.waiting?.reason;
    const message = step.waiting?.message ?? '';
    if (reason === 'ImagePullBackOff' || reason === 'ErrImagePull') {
      const image = pod.spec?.containers.find(
        (container) => container.name === step.container,
      )?.image;
      return {
        status: 'False',
        reason: 'TaskRunImagePullFailed',
        message: `the step "${step.name}" in TaskRun "${taskRun.metadata?.name ?? ''}" failed to pull the image "${image ?? ''}". The pod errored with the message: "${message}."`,
        stopPod: true,
      };
    }
    if (reason === 'CreateContainerConfigError')
      return {
        status: 'False',
        reason: 'CreateContainerConfigError',
        message: `Failed to create pod due to config error: ${message}`,
        stopPod: true,
      };
  }
  return undefined;
}

function outcomeOf(taskRun: TaskRun, pod: V1Pod, steps: StepState[]): Outcome {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded')
    return { status: 'True', reason: 'Succeeded', message: 'All Steps have completed executing' };
  if (phase === 'Failed') {
    const failed = steps.find(
      (step) => (step.terminated?.exitCode ?? 0) !== 0 && step.terminationReason !== 'Continued',
    );
    const message = failed
      ? `"${failed.container}" exited with code ${failed.terminated?.exitCode ?? 1}`
      : (pod.status?.message ?? 'build failed for unspecified reasons.');
    return { status: 'False', reason: 'Failed', message };
  }
  const failure = waitingFailure(taskRun, pod, steps);
  if (failure) return failure;
  if (phase === 'Running')
    return {
      status: 'Unknown',
      reason: 'Running',
      message: 'Not all Steps in the Task have finished executing',
    };
  return { status: 'Unknown', reason: 'Pending', message: 'pod status "Initialized":"False"' };
}

/** Cancellation and timeout come before whatever the pod says. */
function stoppedOutcome(
  taskRun: TaskRun,
  deadline: number | undefined,
  now: Date,
): Outcome | undefined {
  const name = taskRun.metadata?.name ?? '';
  const spec = taskRun.spec ?? {};
  if (spec.status === 'TaskRunCancelled') {
    const message = `TaskRun "${name}" was cancelled. ${spec.statusMessage ?? ''}`.trim();
    return { status: 'False', reason: 'TaskRunCancelled', message, stopPod: true };
  }
  if (deadline !== undefined && now.getTime() >= deadline) {
    const message = `TaskRun "${name}" failed to finish within "${spec.timeout ?? '1h0m0s'}"`;
    return { status: 'False', reason: 'TaskRunTimeout', message, stopPod: true };
  }
  return undefined;
}

export function planTaskRun(
  taskRun: TaskRun,
  spec: TaskSpec,
  pod: V1Pod | undefined,
  now: Date,
): TaskRunPlan {
  const previous = taskRun.status ?? {};
  if (isDone(previous)) return { createPod: false, status: previous };
  const startTime = previous.startTime ?? now.toISOString();
  const podName = podNameOf(taskRun);
  const steps = pod ? stepStates(spec, pod) : (previous.steps ?? []);
  const base: TaskRunStatus = { ...previous, startTime, podName, taskSpec: spec, steps };
  const deadline = deadlineOf(startTime, taskRun.spec?.timeout);
  const requeue = deadline === undefined ? {} : { requeueAtMs: deadline };
  const stopped = stoppedOutcome(taskRun, deadline, now);
  if (!stopped && !pod) {
    const conditions = succeeded(previous, 'Unknown', 'Pending', 'Pending', now);
    return { createPod: true, status: { ...base, conditions }, ...requeue };
  }
  const outcome = stopped ?? outcomeOf(taskRun, pod ?? {}, steps);
  if (outcome.status === 'Unknown') {
    const conditions = succeeded(previous, 'Unknown', outcome.reason, outcome.message, now);
    return { createPod: false, status: { ...base, conditions }, ...requeue };
  }
  const stop = outcome.stopPod && pod ? { deletePod: podName } : {};
  return { createPod: false, ...stop, ...endAttempt(taskRun, spec, base, outcome, now) };
}

/** The status once an attempt ended: final, or a retry when the TaskRun has retries left. */
function endAttempt(
  taskRun: TaskRun,
  spec: TaskSpec,
  base: TaskRunStatus,
  outcome: Outcome,
  now: Date,
): Pick<TaskRunPlan, 'status' | 'ended'> {
  const previous = taskRun.status ?? {};
  const results = resultsOf(spec, base.steps ?? []);
  const finished: TaskRunStatus = {
    ...base,
    conditions: succeeded(previous, outcome.status, outcome.reason, outcome.message, now),
    completionTime: now.toISOString(),
    ...(results.length > 0 ? { results } : {}),
  };
  const ended = { reason: outcome.reason, message: outcome.message };
  const retried = previous.retriesStatus?.length ?? 0;
  const retriable = outcome.status === 'False' && outcome.reason !== 'TaskRunCancelled';
  if (!retriable || retried >= (taskRun.spec?.retries ?? 0))
    return { status: finished, ended: { ...ended, retrying: false } };
  return {
    status: retryStatus(finished, previous, spec, outcome.message, now),
    ended: { ...ended, retrying: true },
  };
}

/** Tekton's retry: the failed attempt moves to retriesStatus and a fresh attempt starts. */
function retryStatus(
  finished: TaskRunStatus,
  previous: TaskRunStatus,
  spec: TaskSpec,
  message: string,
  now: Date,
): TaskRunStatus {
  const attempt: TaskRunStatus = { ...finished };
  delete attempt.retriesStatus;
  delete attempt.taskSpec;
  return {
    retriesStatus: [...(previous.retriesStatus ?? []), attempt],
    startTime: now.toISOString(),
    taskSpec: spec,
    conditions: succeeded(previous, 'Unknown', 'ToBeRetried', message, now),
  };
}
