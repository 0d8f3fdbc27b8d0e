/**
 * What the runs list shows of one run, and the list's filters and search (pure). Template and
 * target come from the spec (templateRef, target) with the template label as a fallback, so
 * alert runs and on-demand runs read alike; the duration runs to now while a run is active.
 */
import { TEMPLATE_LABEL } from '../api/labels.ts';
import type { RunPhase, WorkflowExecution } from '../api/workflow-execution.ts';

export interface RunSummary {
  namespace: string;
  name: string;
  /** `Pending` until the engine has written a phase. */
  phase: RunPhase;
  template: string;
  target: string;
  backend: string;
  createdAt: string | undefined;
  startedAt: string | undefined;
  durationMs: number | undefined;
  /** `alertname` of the source alert, or the caller of an on-demand run. */
  source: string;
  sourceKind: 'alert' | 'onDemand' | 'unknown';
  progress: string;
}

export interface RunFilters {
  phase?: string | undefined;
  template?: string | undefined;
  target?: string | undefined;
  backend?: string | undefined;
  /** Case-insensitive substring of name, namespace, template, target or source. */
  q?: string | undefined;
}

export const BACKEND_LABELS: Readonly<Record<string, string>> = {
  jobs: 'V1 (Jobs)',
  tekton: 'V2 (Tekton)',
};

function millis(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

function sourceOf(run: WorkflowExecution): string {
  const source = run.spec.source;
  if (source?.type === 'alert') return source.alert.labels['alertname'] ?? source.alert.fingerprint;
  if (source?.type === 'onDemand') return `${source.caller.name} (${source.caller.via})`;
  return '';
}

function durationOf(run: WorkflowExecution, now: Date): number | undefined {
  const started = millis(run.status?.startedAt);
  const ended = millis(run.status?.completedAt) ?? now.getTime();
  return started === undefined ? undefined : Math.max(0, ended - started);
}

export function summarizeRun(run: WorkflowExecution, now: Date): RunSummary {
  const status = run.status;
  return {
    namespace: run.metadata.namespace ?? 'default',
    name: run.metadata.name ?? '',
    phase: status?.phase ?? 'Pending',
    template: run.spec.templateRef?.name ?? run.metadata.labels?.[TEMPLATE_LABEL] ?? '',
    target: run.spec.target ?? '',
    backend: status?.backend?.name ?? '',
    createdAt: run.metadata.creationTimestamp,
    startedAt: status?.startedAt,
    durationMs: durationOf(run, now),
    source: sourceOf(run),
    sourceKind: run.spec.source?.type ?? 'unknown',
    progress: status?.progress ?? '',
  };
}

export function matchesFilters(summary: RunSummary, filters: RunFilters): boolean {
  if (filters.phase && summary.phase !== filters.phase) return false;
  if (filters.template && summary.template !== filters.template) return false;
  if (filters.target && summary.target !== filters.target) return false;
  if (filters.backend && summary.backend !== filters.backend) return false;
  const q = filters.q?.trim().toLowerCase();
  if (!q) return true;
  return [summary.name, summary.namespace, summary.template, summary.target, summary.source].some(
    (field) => field.toLowerCase().includes(q),
  );
}

/** Newest first: by creation, then name, so the order is stable between renders. */
export function compareNewestFirst(a: RunSummary, b: RunSummary): number {
  const byTime = (millis(b.createdAt) ?? 0) - (millis(a.createdAt) ?? 0);
  return byTime !== 0
    ? byTime
    : `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`);
}

/** The distinct values of a field, sorted, for the filter menus. */
export function distinctValues(
  summaries: readonly RunSummary[],
  field: 'template' | 'target' | 'backend',
): string[] {
  return [...new Set(summaries.map((summary) => summary[field]).filter(Boolean))].sort();
}

/** `1h 2m`, `3m 4s`, `5.2s`: short enough for a table cell on a phone. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '—';
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${String(h)}h ${String(m)}m`;
  return m > 0 ? `${String(m)}m ${String(s)}s` : `${String(s)}s`;
}
