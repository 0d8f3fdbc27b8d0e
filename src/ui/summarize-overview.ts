/**
 * The overview page's figures (pure): runs created in the window counted by phase and by
 * backend, the V1 vs V2 comparison of finished runs (success ratio, mean and median duration:
 * the rollout comparison of the V1→V2 transition), and the alert suppressions by reason.
 *
 * Runs come from the run informer's cache, so the figures are the cluster's, the same on every
 * replica and across restarts. Suppressions start no run and leave only a rate-limited Event,
 * so their exact count lives in the `kubernaut_alert_suppressions_total` counter: that figure
 * is this replica's since it started, and the page says so (ADR 0020).
 */
import { RUN_PHASES, type RunPhase, type WorkflowExecution } from '../api/workflow-execution.ts';

export const DAY_MS = 24 * 60 * 60 * 1000;

export interface BackendComparison {
  backend: string;
  finished: number;
  succeeded: number;
  /** succeeded / finished, undefined with no finished run. */
  successRatio: number | undefined;
  meanDurationMs: number | undefined;
  medianDurationMs: number | undefined;
}

export interface Overview {
  windowMs: number;
  total: number;
  byPhase: Record<RunPhase, number>;
  byBackend: Record<string, number>;
  comparison: BackendComparison[];
}

export interface CountByLabel {
  label: string;
  count: number;
}

const FINISHED: ReadonlySet<string> = new Set(['Succeeded', 'Failed']);

function median(sorted: readonly number[]): number | undefined {
  if (sorted.length === 0) return undefined;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[middle]
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function compare(backend: string, runs: readonly WorkflowExecution[]): BackendComparison {
  const finished = runs.filter((run) => FINISHED.has(run.status?.phase ?? ''));
  const durations = finished
    .map(
      (run) => Date.parse(run.status?.completedAt ?? '') - Date.parse(run.status?.startedAt ?? ''),
    )
    .filter((ms) => Number.isFinite(ms) && ms >= 0)
    .sort((a, b) => a - b);
  const succeeded = finished.filter((run) => run.status?.phase === 'Succeeded').length;
  return {
    backend,
    finished: finished.length,
    succeeded,
    successRatio: finished.length === 0 ? undefined : succeeded / finished.length,
    meanDurationMs:
      durations.length === 0 ? undefined : durations.reduce((a, b) => a + b, 0) / durations.length,
    medianDurationMs: median(durations),
  };
}

/** Runs created within `windowMs` before `now`. Cancelled runs count by phase, not in ratios. */
export function summarizeOverview(
  runs: readonly WorkflowExecution[],
  now: Date,
  windowMs: number = DAY_MS,
): Overview {
  const since = now.getTime() - windowMs;
  const recent = runs.filter((run) => {
    const created = Date.parse(run.metadata.creationTimestamp ?? '');
    return Number.isFinite(created) && created >= since;
  });
  const byPhase = Object.fromEntries(RUN_PHASES.map((phase) => [phase, 0])) as Record<
    RunPhase,
    number
  >;
  const byBackend: Record<string, number> = { jobs: 0, tekton: 0 };
  for (const run of recent) {
    byPhase[run.status?.phase ?? 'Pending'] += 1;
    const backend = run.status?.backend?.name ?? 'none';
    byBackend[backend] = (byBackend[backend] ?? 0) + 1;
  }
  const comparison = ['jobs', 'tekton'].map((backend) =>
    compare(
      backend,
      recent.filter((run) => run.status?.backend?.name === backend),
    ),
  );
  return { windowMs, total: recent.length, byPhase, byBackend, comparison };
}

/** prom-client's `get()` values of a one-label counter as sorted rows (largest first). */
export function countsByLabel(
  values: readonly { value: number; labels: Partial<Record<string, string | number>> }[],
  label: string,
): CountByLabel[] {
  const totals = new Map<string, number>();
  for (const { value, labels } of values) {
    const key = String(labels[label] ?? '');
    totals.set(key, (totals.get(key) ?? 0) + value);
  }
  return [...totals]
    .map(([name, count]) => ({ label: name, count }))
    .filter((row) => row.count > 0)
    .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
}
