/**
 * The alert intake: every alert of a notification on its own, matched against the templates,
 * resolved to a target, deduplicated and checked by the guardrails, then recorded as a
 * WorkflowExecution. The API server is the authority (a run's name is the dedup key, create
 * answers AlreadyExists to a repeat); memory only saves API calls. An alert whose recording
 * fails is `failed`, which makes the answer a 5xx so Alertmanager retries; a retry creates
 * nothing twice.
 */
import { LRUCache } from 'lru-cache';
import { targetQueryFor } from '../alerts/alert-target.ts';
import { evaluateGuardrails } from '../alerts/guardrails.ts';
import {
  alertIdentity,
  summarize,
  type AlertOutcome,
  type AlertResult,
  type IntakeSummary,
} from '../alerts/intake-outcome.ts';
import type { CompiledTemplate } from '../alerts/match-templates.ts';
import { matchTemplates } from '../alerts/match-templates.ts';
import { placeholderValuesOf, renderAlertRun } from '../alerts/render-alert-run.ts';
import { alertRunName, targetHash } from '../alerts/run-name.ts';
import type { IntakeAlert, WebhookPayload } from '../alerts/webhook-payload.ts';
import { isAlreadyExistsOrConflict } from '../kube/errors.ts';
import type { Metrics } from '../observability/metrics.ts';
import { boundedName } from '../workflow/child-names.ts';
import type { IntakeApi } from './intake-api.ts';
import { KeyedLock } from './keyed-lock.ts';
import type { OccurrenceRecorder } from './occurrence-recorder.ts';
import type { OwnerChain } from './owner-chain.ts';
import { cancelResolvedRuns } from './cancel-on-resolve.ts';
import type { RunIndex } from './run-index.ts';
import type { SuppressionReporter } from './suppression-reporter.ts';

export type IntakeMetrics = Pick<
  Metrics,
  'alertsReceived' | 'alertRunsCreated' | 'alertDuplicates' | 'alertSuppressions'
>;

export interface AlertIntakeDeps {
  templates: {
    templates(): readonly CompiledTemplate[];
    get(key: string): CompiledTemplate | undefined;
  };
  runs: RunIndex;
  owners: OwnerChain;
  api: Pick<IntakeApi, 'createRun' | 'cancelRun'>;
  occurrences: Pick<OccurrenceRecorder, 'record'>;
  suppressions: SuppressionReporter;
  metrics?: IntakeMetrics;
  /** The global pause switch. */
  paused: () => boolean;
  now: () => Date;
  /** Alerts of one notification handled at once. */
  concurrency?: number;
  onError?: (error: unknown, outcome: AlertOutcome) => void;
  /** A run was created for an alert (the intake's one info-level fact per run). */
  onCreated?: (outcome: AlertOutcome) => void;
}

type TemplateOutcome = Omit<AlertOutcome, 'index' | 'fingerprint' | 'alertname'>;

export class AlertIntake {
  private readonly deps: AlertIntakeDeps;
  private readonly lock = new KeyedLock();
  /** Names of runs known to exist: hot repeats are answered without the API. */
  private readonly known = new LRUCache<string, true>({ max: 50_000, ttl: 3_600_000 });

  constructor(deps: AlertIntakeDeps) {
    this.deps = deps;
  }

  /** A run was deleted: a later alert of its episode may start it again. */
  forget(namespace: string, name: string): void {
    this.known.delete(`${namespace}/${name}`);
  }

  /**
   * Answers a notification: at once when memory is enough (see `answerFromMemory`), else
   * after the API calls its alerts need.
   */
  process(payload: WebhookPayload): IntakeSummary | Promise<IntakeSummary> {
    const fromMemory = this.answerFromMemory(payload);
    if (fromMemory) return this.summarize(fromMemory, payload.receiver);
    return this.processEach(payload);
  }

  private async processEach(payload: WebhookPayload): Promise<IntakeSummary> {
    const outcomes: AlertOutcome[] = [];
    const entries = payload.alerts.map((entry, index) => ({ entry, index }));
    const limit = Math.max(1, this.deps.concurrency ?? 16);
    const worker = async (): Promise<void> => {
      for (let next = entries.shift(); next; next = entries.shift()) {
        outcomes.push(...(await this.processEntry(next.entry, next.index, payload.receiver)));
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, entries.length) }, worker));
    return this.summarize(outcomes, payload.receiver);
  }

  private summarize(outcomes: AlertOutcome[], receiver: string | undefined): IntakeSummary {
    for (const outcome of outcomes)
      this.deps.metrics?.alertsReceived.inc({ result: outcome.result });
    return summarize(outcomes, receiver);
  }

  /**
   * The answer without an API call, a lock or a promise, when every alert is invalid,
   * unmatched, or a repeat of a run known to exist for a target the alert names itself. That
   * is what a storm of repeated notifications is, and answering it synchronously keeps it
   * cheap. Anything else (a new run, a resolve, an owner lookup, the pause switch) takes the
   * full path for the whole notification. Nothing is recorded until the whole answer is known.
   */
  private answerFromMemory(payload: WebhookPayload): AlertOutcome[] | undefined {
    if (this.deps.paused()) return undefined;
    interface Repeat {
      base: ReturnType<typeof alertIdentity>;
      where: { template: string; target: string };
      namespace: string;
      name: string;
    }
    const planned: (AlertOutcome | Repeat)[] = [];
    for (const [index, entry] of payload.alerts.entries()) {
      if (!entry.ok) {
        planned.push({ index, result: 'rejected', reason: entry.reason });
        continue;
      }
      const { alert } = entry;
      if (alert.status === 'resolved') return undefined;
      const base = alertIdentity(index, alert);
      const matched = matchTemplates(this.deps.templates.templates(), alert.labels);
      if (matched.length === 0) planned.push({ ...base, result: 'unmatched' });
      for (const compiled of matched) {
        const query = targetQueryFor(
          compiled.template.spec.target,
          placeholderValuesOf(alert, compiled.template),
        );
        if (query.type !== 'fixed') return undefined;
        const { namespace, name } = this.runOf(compiled, query.target, alert);
        if (!this.isKnown(namespace, name)) return undefined;
        planned.push({
          base,
          where: { template: compiled.key, target: query.target },
          namespace,
          name,
        });
      }
    }
    return planned.map((item) =>
      'where' in item
        ? { ...item.base, ...this.duplicate(item.where, item.namespace, item.name, 'cache') }
        : item,
    );
  }

  /** The run an alert starts from a template for a target: its namespace and derived name. */
  private runOf(
    compiled: CompiledTemplate,
    target: string,
    alert: IntakeAlert,
  ): { namespace: string; name: string } {
    const { template, key } = compiled;
    return {
      namespace: template.metadata.namespace ?? 'default',
      name: alertRunName(key, template.metadata.name ?? '', target, alert.startsAt),
    };
  }

  private async processEntry(
    entry: WebhookPayload['alerts'][number],
    index: number,
    receiver: string | undefined,
  ): Promise<AlertOutcome[]> {
    if (!entry.ok) return [{ index, result: 'rejected', reason: entry.reason }];
    const { alert } = entry;
    const base = alertIdentity(index, alert);
    if (alert.status === 'resolved') {
      return [{ ...base, ...(await this.resolve(alert)) }];
    }
    const matched = matchTemplates(this.deps.templates.templates(), alert.labels);
    if (matched.length === 0) return [{ ...base, result: 'unmatched' }];
    const outcomes: AlertOutcome[] = [];
    for (const template of matched) {
      const outcome = await this.fire(alert, template, receiver).catch(
        (error: unknown): TemplateOutcome => {
          const failed = {
            template: template.key,
            result: 'failed' as const,
            reason: describe(error),
          };
          this.deps.onError?.(error, { ...base, ...failed });
          return failed;
        },
      );
      const full = { ...base, ...outcome };
      if (full.result === 'created') this.deps.onCreated?.(full);
      outcomes.push(full);
    }
    return outcomes;
  }

  private async resolve(alert: IntakeAlert): Promise<TemplateOutcome> {
    try {
      const cancelled = await cancelResolvedRuns(alert, this.deps);
      return {
        result: 'ignored-resolved',
        ...(cancelled.length > 0 ? { cancelled } : {}),
      };
    } catch (error) {
      return { result: 'failed', reason: describe(error) };
    }
  }

  private async fire(
    alert: IntakeAlert,
    compiled: CompiledTemplate,
    receiver: string | undefined,
  ): Promise<TemplateOutcome> {
    const { template, key } = compiled;
    const here = { template: key };
    if (this.deps.paused())
      return this.suppress(compiled, undefined, 'Paused', 'alert intake is paused');
    const values = placeholderValuesOf(alert, template);
    const query = targetQueryFor(template.spec.target, values);
    if (query.type === 'none') return { ...here, result: 'rejected', reason: query.reason };
    const target =
      query.type === 'fixed'
        ? query.target
        : await this.deps.owners.resolve(query.kind, query.namespace, query.name);
    const { namespace, name } = this.runOf(compiled, target, alert);
    const where = { ...here, target };
    if (this.isKnown(namespace, name)) return this.duplicate(where, namespace, name, 'cache');

    const rendered = renderAlertRun({
      template,
      alert,
      target,
      name,
      ...(receiver ? { receiver } : {}),
    });
    if (!rendered.ok) return { ...where, result: 'rejected', reason: rendered.reason };

    return this.lock.run(`${key}\n${target}`, async () => {
      if (this.isKnown(namespace, name)) return this.duplicate(where, namespace, name, 'cache');
      const templateLabel = boundedName(template.metadata.name ?? '');
      const decision = evaluateGuardrails({
        guardrails: template.spec.guardrails,
        targetRuns: this.deps.runs.targetRuns(namespace, templateLabel, targetHash(target)),
        templateCreationsBetween: (afterMs, upToMs) =>
          this.deps.runs.templateCreationsBetween(namespace, templateLabel, afterMs, upToMs),
        paused: this.deps.paused(),
        nowMs: this.deps.now().getTime(),
      });
      if (decision.action === 'duplicate') {
        return this.duplicate(where, namespace, decision.run, 'active');
      }
      if (decision.action === 'suppress') {
        return this.suppress(compiled, target, decision.reason, decision.message);
      }
      try {
        const created = await this.deps.api.createRun(rendered.run);
        this.deps.runs.remember(created);
      } catch (error) {
        if (!isAlreadyExistsOrConflict(error)) throw error;
        return this.duplicate(where, namespace, name, 'api');
      }
      this.known.set(`${namespace}/${name}`, true);
      this.deps.metrics?.alertRunsCreated.inc({ template: key });
      return { ...where, result: 'created', run: name };
    });
  }

  private isKnown(namespace: string, name: string): boolean {
    return this.known.has(`${namespace}/${name}`) || this.deps.runs.has(namespace, name);
  }

  private duplicate(
    where: { template: string; target: string },
    namespace: string,
    name: string,
    via: 'cache' | 'api' | 'active',
  ): TemplateOutcome {
    this.known.set(`${namespace}/${name}`, true);
    this.deps.metrics?.alertDuplicates.inc({ via });
    this.deps.occurrences.record(namespace, name, this.deps.now());
    return { ...where, result: 'duplicate', run: name };
  }

  private suppress(
    compiled: CompiledTemplate,
    target: string | undefined,
    reason: string,
    message: string,
  ): TemplateOutcome {
    this.deps.metrics?.alertSuppressions.inc({ reason });
    this.deps.suppressions.report(compiled.template, target, reason, message);
    return {
      template: compiled.key,
      ...(target === undefined ? {} : { target }),
      result: 'suppressed' satisfies AlertResult,
      reason: `${reason}: ${message}`,
    };
  }
}

/** A failure's reason for the answer: the API's code and message, nothing internal. */
function describe(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number'
    ? `the Kubernetes API answered ${String(code)}; Alertmanager will retry`
    : 'the Kubernetes API could not be reached; Alertmanager will retry';
}
