/**
 * What the intake would do with a webhook payload, offline: per alert, the match decision
 * and the WorkflowExecution it would create. Pure; the same functions as the webhook
 * (payload parsing, matching, targets, naming, rendering), minus the API: a pod or ReplicaSet
 * target stays as it is (the cluster would resolve it up its owner chain), and guardrails and
 * dedup, which depend on the runs in the cluster, are not applied.
 */
import { targetQueryFor } from '../alerts/alert-target.ts';
import { matchTemplates, type CompiledTemplate } from '../alerts/match-templates.ts';
import { placeholderValuesOf, renderAlertRun } from '../alerts/render-alert-run.ts';
import { alertIdentity } from '../alerts/intake-outcome.ts';
import { alertRunName } from '../alerts/run-name.ts';
import type { WebhookPayload } from '../alerts/webhook-payload.ts';
import type { WorkflowExecution } from '../api/workflow-execution.ts';

export interface AlertDecision {
  index: number;
  alertname?: string;
  fingerprint?: string;
  decision: 'create' | 'unmatched' | 'rejected' | 'resolved';
  template?: string;
  reason?: string;
  /** Said when the cluster would pick another target than the one shown. */
  note?: string;
  run?: WorkflowExecution;
}

export function decideAlerts(
  templates: readonly CompiledTemplate[],
  payload: WebhookPayload,
): AlertDecision[] {
  return payload.alerts.flatMap((entry, index): AlertDecision[] => {
    if (!entry.ok) return [{ index, decision: 'rejected', reason: entry.reason }];
    const { alert } = entry;
    const base = alertIdentity(index, alert);
    if (alert.status === 'resolved') {
      return [{ ...base, decision: 'resolved', reason: 'a resolved alert starts nothing' }];
    }
    const matched = matchTemplates(templates, alert.labels);
    if (matched.length === 0) return [{ ...base, decision: 'unmatched' }];
    return matched.map(({ template, key }): AlertDecision => {
      const where = { ...base, template: key };
      const query = targetQueryFor(template.spec.target, placeholderValuesOf(alert, template));
      if (query.type === 'none') return { ...where, decision: 'rejected', reason: query.reason };
      const target =
        query.type === 'fixed' ? query.target : `${query.namespace}/${query.kind}/${query.name}`;
      const name = alertRunName(key, template.metadata.name ?? '', target, alert.startsAt);
      const rendered = renderAlertRun({
        template,
        alert,
        target,
        name,
        ...(payload.receiver === undefined ? {} : { receiver: payload.receiver }),
      });
      if (!rendered.ok) return { ...where, decision: 'rejected', reason: rendered.reason };
      return {
        ...where,
        decision: 'create',
        run: rendered.run,
        ...(query.type === 'owner'
          ? {
              note: `the cluster would resolve ${query.kind} ${query.name} up its owner chain (e.g. to its Deployment)`,
            }
          : {}),
      };
    });
  });
}
