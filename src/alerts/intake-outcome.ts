/**
 * What the webhook answers for each alert, and the summary of a whole notification. Every
 * alert is accounted for by one of these results (per template it matched); `failed` means
 * it could not be recorded, which turns the answer into a 5xx so Alertmanager retries.
 */
export const ALERT_RESULTS = [
  'created',
  'duplicate',
  'unmatched',
  'suppressed',
  'rejected',
  'ignored-resolved',
  'failed',
] as const;
export type AlertResult = (typeof ALERT_RESULTS)[number];

/** What every outcome of one alert names: where it was in the payload, and which alert. */
export function alertIdentity(
  index: number,
  alert: { fingerprint: string; labels: Record<string, string> },
): { index: number; fingerprint: string; alertname?: string } {
  return {
    index,
    fingerprint: alert.fingerprint,
    ...(alert.labels.alertname === undefined ? {} : { alertname: alert.labels.alertname }),
  };
}

export interface AlertOutcome {
  /** Position of the alert in the payload's `alerts`. */
  index: number;
  fingerprint?: string;
  alertname?: string;
  result: AlertResult;
  /** `namespace/name` of the template, when one matched. */
  template?: string;
  target?: string;
  /** The run created, or the run a duplicate was folded into. */
  run?: string;
  /** Runs a resolve cancelled. */
  cancelled?: string[];
  reason?: string;
}

export interface IntakeSummary {
  /** 200 when every alert is accounted for; 503 when any failed to be recorded. */
  status: 200 | 503;
  receiver?: string;
  counts: Partial<Record<AlertResult, number>>;
  alerts: AlertOutcome[];
}

export function summarize(outcomes: readonly AlertOutcome[], receiver?: string): IntakeSummary {
  const counts: Partial<Record<AlertResult, number>> = {};
  for (const outcome of outcomes) counts[outcome.result] = (counts[outcome.result] ?? 0) + 1;
  const sorted = [...outcomes].sort((a, b) => a.index - b.index);
  return {
    status: counts.failed ? 503 : 200,
    ...(receiver === undefined ? {} : { receiver }),
    counts,
    alerts: sorted,
  };
}
