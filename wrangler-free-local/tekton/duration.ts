/** Go's time.Duration strings ("1h", "1m30s", "500ms"), the format of Tekton's timeouts. */

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Milliseconds, or undefined when the text is not a Go duration. */
export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text) return undefined;
  return parts.reduce((sum, part) => sum + Number(part[1]) * (UNIT_MS[part[2] ?? ''] ?? 0), 0);
}

/** Tekton's default timeout of a PipelineRun and of a TaskRun (config-defaults: 60 minutes). */
export const DEFAULT_TIMEOUT_MS = 60 * 60_000;

/**
 * The deadline of a run from its start and timeout; undefined when the timeout is 0 (Tekton:
 * no timeout). A malformed timeout falls back to the default (the webhook would reject it).
 */
export function deadlineOf(startTime: string, timeout: string | undefined): number | undefined {
  const ms =
    timeout === undefined ? DEFAULT_TIMEOUT_MS : (parseDuration(timeout) ?? DEFAULT_TIMEOUT_MS);
  if (ms === 0) return undefined;
  return Date.parse(startTime) + ms;
}

/** Milliseconds as Go formats a time.Duration ("1h0m0s", "1.5s"), as Tekton writes timeouts. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${String(Math.round(ms))}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = Number(((ms % 60_000) / 1000).toFixed(3));
  if (hours > 0) return `${String(hours)}h${String(minutes)}m${String(seconds)}s`;
  if (minutes > 0) return `${String(minutes)}m${String(seconds)}s`;
  return `${String(seconds)}s`;
}
