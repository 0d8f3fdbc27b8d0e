/**
 * The run metrics of one status write, labelled by backend so V1 and V2 compare side by
 * side: runs started and finished, run duration, remediation time (alert startsAt → run
 * succeeded), routing decisions, and on the Tekton backend the step attempt durations (on
 * the Jobs backend the ActionExecution reconciler measures them).
 */
import {
  TERMINAL_RUN_PHASES,
  type StepStatus,
  type WorkflowExecution,
  type WorkflowExecutionStatus,
} from '../api/workflow-execution.ts';
import type { Metrics } from '../observability/metrics.ts';

const ENDED_ATTEMPT = new Set<StepStatus['phase']>(['Succeeded', 'Failed', 'Retrying']);
const seconds = (from: string | undefined, to: string | undefined): number | undefined => {
  const ms = Date.parse(to ?? '') - Date.parse(from ?? '');
  return Number.isFinite(ms) ? Math.max(ms, 0) / 1000 : undefined;
};

export function countRunTransition(
  metrics: Metrics,
  run: WorkflowExecution,
  previous: WorkflowExecutionStatus | undefined,
  status: WorkflowExecutionStatus,
): void {
  const backend = status.backend?.name ?? 'jobs';
  if (!previous?.backend && status.backend) {
    const fallback = status.backend.reason.includes('Tekton is not installed');
    metrics.backendDecisions.inc({ backend, fallback: String(fallback) });
  }
  if (!previous?.startedAt && status.startedAt) metrics.runsStarted.inc({ backend });
  if (backend === 'tekton') countTektonSteps(metrics, previous, status);
  const wasFinal = previous?.phase !== undefined && TERMINAL_RUN_PHASES.has(previous.phase);
  if (wasFinal || !status.phase || !TERMINAL_RUN_PHASES.has(status.phase)) return;
  metrics.runsFinished.inc({ result: status.phase, backend });
  const duration = seconds(status.startedAt, status.completedAt);
  if (duration !== undefined) {
    metrics.runDuration.observe({ result: status.phase, backend }, duration);
  }
  const source = run.spec.source;
  if (status.phase === 'Succeeded' && source?.type === 'alert') {
    const remediation = seconds(source.alert.startsAt, status.completedAt);
    if (remediation !== undefined) metrics.remediationDuration.observe({ backend }, remediation);
  }
}

/** A step that ended in this write (a retried attempt has no end time: Tekton keeps it). */
function countTektonSteps(
  metrics: Metrics,
  previous: WorkflowExecutionStatus | undefined,
  status: WorkflowExecutionStatus,
): void {
  for (const step of status.steps) {
    const before = previous?.steps.find((known) => known.name === step.name);
    const changed = before?.phase !== step.phase || before.attempt !== step.attempt;
    if (!changed || !ENDED_ATTEMPT.has(step.phase)) continue;
    const duration = seconds(step.startedAt, step.completedAt);
    if (duration === undefined) continue;
    const result = step.phase === 'Succeeded' ? 'Succeeded' : 'Failed';
    metrics.stepDuration.observe({ result, backend: 'tekton' }, duration);
  }
}
