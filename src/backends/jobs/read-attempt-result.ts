/**
 * How a step attempt's Job ended, read from the Job and its pod (pure): the outcome, a
 * reason a person can act on (exit code, DeadlineExceeded, ImagePullBackOff, OOMKilled,
 * Evicted), and the outputs from the termination message when it holds them.
 */
import type {
  V1ContainerStateTerminated,
  V1Job,
  V1JobCondition,
  V1Pod,
} from '@kubernetes/client-node';

export type AttemptResult =
  | { phase: 'Running' }
  | { phase: 'Succeeded'; outputs?: Record<string, unknown>; needsLog: boolean; message?: string }
  | { phase: 'Failed'; reason: string; message: string; exitCode?: number };

/** Waiting reasons after which a pod will not start without someone changing something. */
const STUCK_REASONS = new Set([
  'ImagePullBackOff',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'ErrImageNeverPull',
]);

export function readAttemptResult(job: V1Job, pod: V1Pod | undefined): AttemptResult {
  const container =
    pod?.status?.containerStatuses?.find((status) => status.name === 'action') ??
    pod?.status?.containerStatuses?.[0];
  const waiting = container?.state?.waiting;
  if (waiting?.reason && STUCK_REASONS.has(waiting.reason)) {
    return { phase: 'Failed', reason: waiting.reason, message: waiting.message ?? waiting.reason };
  }
  const terminated = container?.state?.terminated;
  if (hasCondition(job, 'Complete')) {
    const outputs = parseOutputs(terminated?.message);
    return { phase: 'Succeeded', ...(outputs ? { outputs } : {}), needsLog: outputs === undefined };
  }
  const failed = job.status?.conditions?.find(
    (condition) => condition.type === 'Failed' && condition.status === 'True',
  );
  if (!failed) return { phase: 'Running' };
  return explainFailure(failed, pod, terminated);
}

const hasCondition = (job: V1Job, type: string): boolean =>
  job.status?.conditions?.some(
    (condition) => condition.type === type && condition.status === 'True',
  ) ?? false;

/** The most specific reason a failed Job's attempt has, in the order a person would look. */
function explainFailure(
  failed: V1JobCondition,
  pod: V1Pod | undefined,
  terminated: V1ContainerStateTerminated | undefined,
): AttemptResult {
  if (pod?.status?.reason === 'Evicted') {
    return {
      phase: 'Failed',
      reason: 'Evicted',
      message: pod.status.message ?? 'the pod was evicted',
    };
  }
  if (failed.reason === 'DeadlineExceeded') {
    return {
      phase: 'Failed',
      reason: 'DeadlineExceeded',
      message: 'the step ran past its timeout and was stopped',
    };
  }
  if (terminated?.reason === 'OOMKilled') {
    return {
      phase: 'Failed',
      reason: 'OOMKilled',
      message: 'the action ran out of memory',
      exitCode: terminated.exitCode,
    };
  }
  if (!terminated) {
    return {
      phase: 'Failed',
      reason: failed.reason ?? 'JobFailed',
      message: failed.message ?? 'the Job failed',
    };
  }
  const detail = terminated.message?.trim();
  return {
    phase: 'Failed',
    // Exit code 2 is the action contract's "bad input", as opposed to "the action failed".
    reason: terminated.exitCode === 2 ? 'InvalidInputs' : 'ActionFailed',
    message: `exited with code ${String(terminated.exitCode)}${detail ? `: ${lastLine(detail)}` : ''}`,
    exitCode: terminated.exitCode,
  };
}

/** The action's outputs: a JSON object, as the whole message or its last line. */
export function parseOutputs(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  for (const candidate of [text.trim(), lastLine(text)]) {
    try {
      const value: unknown = JSON.parse(candidate);
      if (value !== null && typeof value === 'object' && !Array.isArray(value))
        return value as Record<string, unknown>;
    } catch {
      // not JSON: try the next candidate
    }
  }
  return undefined;
}

/** The last JSON object line of a log: where the action contract puts the outputs. */
export function outputsFromLog(log: string): Record<string, unknown> | undefined {
  const lines = log.trimEnd().split('\n');
  for (let index = lines.length - 1; index >= 0; index--) {
    const outputs = parseOutputs(lines[index]);
    if (outputs) return outputs;
  }
  return undefined;
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}
