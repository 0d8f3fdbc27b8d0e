/**
 * Alertmanager's webhook payload (version "4", and the older bodies before it), parsed the
 * way Alertmanager's own code reads alerts: unknown fields are tolerated, a missing per-alert
 * `status` comes from `endsAt`, a missing or empty `fingerprint` is recomputed from the labels.
 * The envelope decides between 400 (not a webhook payload at all) and 200; each alert is
 * checked on its own, so one bad alert is rejected while its group is still processed.
 * https://prometheus.io/docs/alerting/latest/configuration/#webhook_config
 */
import { z } from 'zod';
import { fingerprintOf } from './fingerprint.ts';

/**
 * Label and annotation maps. JSON.parse makes `"__proto__"` an own key, which zod's record
 * skips instead of checking; Alertmanager never sends it, so it is refused by name.
 */
const labelMap = z.preprocess(
  (value, context) => {
    if (value !== null && typeof value === 'object' && Object.hasOwn(value, '__proto__')) {
      context.addIssue({
        code: 'custom',
        message: 'is not a valid label name',
        path: ['__proto__'],
      });
    }
    return value;
  },
  z.record(z.string(), z.string()),
);

/**
 * Around the alerts Alertmanager sends version, status, groupKey, groupLabels, commonLabels,
 * commonAnnotations, externalURL, truncatedAlerts and more; the intake uses none of them but
 * the receiver, so none of them can fail a notification (a retry would not fix it anyway).
 * Unknown fields are tolerated and dropped (zod's default strip): nothing downstream reads
 * them, and copying them cost more than checking the fields the intake does read.
 */
const envelopeSchema = z.object({
  receiver: z.string().optional().catch(undefined),
  alerts: z.array(z.unknown()).min(1, 'must hold at least one alert'),
});

const alertSchema = z.object({
  status: z.enum(['firing', 'resolved']).optional(),
  labels: labelMap.refine((labels) => Object.keys(labels).length > 0, {
    error: 'at least one label pair is required',
  }),
  annotations: labelMap.optional(),
  // Parsed once, here, into the form the intake keeps.
  startsAt: z.string().transform((text, context) => {
    const normalized = normalizeTimestamp(text);
    if (normalized === undefined) {
      context.addIssue({ code: 'custom', message: 'must be an RFC 3339 timestamp' });
      return z.NEVER;
    }
    return normalized;
  }),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().optional(),
});

/** One alert as the intake works with it: every field present, timestamps normalised. */
export interface IntakeAlert {
  status: 'firing' | 'resolved';
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** RFC 3339 in UTC with milliseconds: the firing episode's identity. */
  startsAt: string;
  endsAt?: string;
  generatorURL?: string;
}

export type AlertEntry = { ok: true; alert: IntakeAlert } | { ok: false; reason: string };

export interface WebhookPayload {
  receiver?: string;
  alerts: AlertEntry[];
}

export type PayloadResult = { ok: true; payload: WebhookPayload } | { ok: false; error: string };

/** Parses a decoded JSON body; `now` decides whether an alert without `status` is resolved. */
export function parseWebhookPayload(body: unknown, now: Date): PayloadResult {
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) return { ok: false, error: describeIssue(envelope.error, '', body) };
  const { receiver, alerts } = envelope.data;
  return {
    ok: true,
    payload: {
      ...(receiver === undefined ? {} : { receiver }),
      alerts: alerts.map((alert, index) => parseAlert(alert, index, now)),
    },
  };
}

function parseAlert(raw: unknown, index: number, now: Date): AlertEntry {
  const parsed = alertSchema.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, reason: describeIssue(parsed.error, `alerts[${String(index)}]`, raw) };
  }
  const { labels, annotations, startsAt, endsAt, generatorURL, fingerprint } = parsed.data;
  return {
    ok: true,
    alert: {
      status: parsed.data.status ?? statusFromEndsAt(endsAt, now),
      fingerprint: fingerprint && fingerprint.length > 0 ? fingerprint : fingerprintOf(labels),
      labels,
      annotations: annotations ?? {},
      startsAt,
      ...(endsAt === undefined ? {} : { endsAt }),
      ...(generatorURL === undefined ? {} : { generatorURL }),
    },
  };
}

/** Alertmanager's Alert.Resolved(): a non-zero endsAt that is not after now. */
function statusFromEndsAt(endsAt: string | undefined, now: Date): 'firing' | 'resolved' {
  const ends = endsAt === undefined ? undefined : parseTimestamp(endsAt);
  if (ends === undefined || ends <= ZERO_TIME_MS) return 'firing';
  return ends <= now.getTime() ? 'resolved' : 'firing';
}

/** Go's zero time.Time, which Alertmanager prints as 0001-01-01T00:00:00Z. */
const ZERO_TIME_MS = Date.UTC(1, 0, 1) + 1;

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** JavaScript's own ISO form (UTC, milliseconds), which is what the intake keeps. */
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * RFC 3339 in UTC with milliseconds, or undefined. A timestamp already in that form is kept
 * as it is, which saves formatting it again for every alert of every repeat; Date.parse
 * checks its month, minute and second. A day past the 28th or hour 24 takes the long way:
 * Date.parse rolls 02-30 and T24:00 over into the next month or day, and the name of the
 * run must come from the instant, not the spelling.
 */
export function normalizeTimestamp(text: string): string | undefined {
  const canonical = CANONICAL.test(text) && text.slice(8, 10) <= '28' && text.slice(11, 13) <= '23';
  if (canonical) return Number.isFinite(Date.parse(text)) ? text : undefined;
  const ms = parseTimestamp(text);
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

/** Milliseconds since the epoch, or undefined; Go prints up to nanoseconds, JS keeps ms. */
export function parseTimestamp(text: string): number | undefined {
  if (!RFC3339.test(text)) return undefined;
  const trimmed = text.replace(/\.(\d{3})\d+/, '.$1');
  const ms = Date.parse(trimmed);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The first issue as `path: reason`, naming the field the way a user would write it. */
function describeIssue(error: z.ZodError, base: string, input: unknown): string {
  const issue = error.issues[0];
  if (!issue) return `${base || 'body'}: invalid`;
  let path = base;
  let value: unknown = input;
  for (const key of issue.path) {
    path += typeof key === 'number' ? `[${String(key)}]` : `${path ? '.' : ''}${String(key)}`;
    value =
      value !== null && typeof value === 'object'
        ? (value as Record<PropertyKey, unknown>)[key]
        : undefined;
  }
  if (issue.code === 'invalid_type') {
    const got =
      value === undefined
        ? 'is required'
        : `must be ${withArticle(issue.expected)}, not ${kindOf(value)}`;
    return `${path || 'body'}: ${got}`;
  }
  return `${path || 'body'}: ${issue.message}`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

const withArticle = (kind: string): string => (/^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`);
