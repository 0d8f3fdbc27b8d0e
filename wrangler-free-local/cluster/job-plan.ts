/**
 * What the Job controller should do for one Job, from the Job and its pods (pure): how many
 * pods to create, which to delete, the status to report, and when to look again.
 */
import type { V1Job, V1JobCondition, V1JobStatus, V1Pod } from '@kubernetes/client-node';

export type JobOutcome = { type: 'Complete' } | { type: 'Failed'; reason: string; message: string };

export interface JobPlan {
  outcome?: JobOutcome;
  createPods: number;
  deletePods: string[];
  status: V1JobStatus;
  requeueAtMs?: number;
}

const isFinished = (pod: V1Pod): boolean =>
  pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
const isReady = (pod: V1Pod): boolean =>
  pod.status?.conditions?.some(
    (condition) => condition.type === 'Ready' && condition.status === 'True',
  ) ?? false;

/** `pendingCreates`: pods created but not yet seen in the cache. */
export function planJob(
  job: V1Job,
  pods: readonly V1Pod[],
  pendingCreates: number,
  now: Date,
): JobPlan {
  const active = pods.filter((pod) => !isFinished(pod) && !pod.metadata?.deletionTimestamp);
  const succeeded = pods.filter((pod) => pod.status?.phase === 'Succeeded').length;
  const failed = pods.filter((pod) => pod.status?.phase === 'Failed').length;
  const startTime = job.status?.startTime ?? now;
  const deadlineSeconds = job.spec?.activeDeadlineSeconds;
  const deadlineMs =
    deadlineSeconds === undefined
      ? undefined
      : new Date(startTime).getTime() + deadlineSeconds * 1000;
  const outcome = decideOutcome(job, succeeded, failed, deadlineMs, now);
  const counts = { startTime, succeeded, failed, ready: active.filter(isReady).length };
  if (outcome) {
    return {
      outcome,
      createPods: 0,
      deletePods: active.map((pod) => pod.metadata?.name ?? ''),
      status: { ...counts, active: 0, ...finishStatus(job, outcome, now) },
    };
  }
  const wanted = Math.min(job.spec?.parallelism ?? 1, (job.spec?.completions ?? 1) - succeeded);
  const createPods = Math.max(0, wanted - active.length - pendingCreates);
  return {
    createPods,
    deletePods: [],
    status: { ...counts, active: active.length + pendingCreates + createPods },
    ...(deadlineMs === undefined ? {} : { requeueAtMs: deadlineMs }),
  };
}

function decideOutcome(
  job: V1Job,
  succeeded: number,
  failed: number,
  deadlineMs: number | undefined,
  now: Date,
): JobOutcome | undefined {
  if (deadlineMs !== undefined && now.getTime() >= deadlineMs) {
    return {
      type: 'Failed',
      reason: 'DeadlineExceeded',
      message: 'Job was active longer than specified deadline',
    };
  }
  if (failed > (job.spec?.backoffLimit ?? 6)) {
    return {
      type: 'Failed',
      reason: 'BackoffLimitExceeded',
      message: 'Job has reached the specified backoff limit',
    };
  }
  if (succeeded >= (job.spec?.completions ?? 1)) return { type: 'Complete' };
  return undefined;
}

/** The conditions the real controller (1.31+) sets: the target condition, then the final one. */
function finishStatus(job: V1Job, outcome: JobOutcome, now: Date): V1JobStatus {
  const condition = (type: string, reason: string, message: string): V1JobCondition => ({
    type,
    status: 'True',
    lastProbeTime: now,
    lastTransitionTime: now,
    reason,
    message,
  });
  const existing = job.status?.conditions ?? [];
  if (outcome.type === 'Complete') {
    const message = 'Reached expected number of succeeded pods';
    return {
      completionTime: now,
      conditions: [
        ...existing,
        condition('SuccessCriteriaMet', 'CompletionsReached', message),
        condition('Complete', 'CompletionsReached', message),
      ],
    };
  }
  return {
    conditions: [
      ...existing,
      condition('FailureTarget', outcome.reason, outcome.message),
      condition('Failed', outcome.reason, outcome.message),
    ],
  };
}

/** When a finished Job finished, from its completion time or its final condition. */
export function jobFinishedAt(job: V1Job): Date | undefined {
  const condition = job.status?.conditions?.find(
    (candidate) =>
      (candidate.type === 'Complete' || candidate.type === 'Failed') && candidate.status === 'True',
  );
  if (!condition) return undefined;
  return new Date(job.status?.completionTime ?? condition.lastTransitionTime ?? Date.now());
}
