/**
 * Makes every suppression visible as an Event on the RemediationTemplate (`kubectl describe
 * rt` tells why an alert started nothing), without flooding: Alertmanager repeats a group
 * every group_interval, so one Event per template, target and reason per window; a storm is
 * reported once per template per minute however many alerts it suppressed.
 */
import { LRUCache } from 'lru-cache';
import { API_VERSION } from '../api/group.ts';
import type { RemediationTemplate } from '../api/remediation-template.ts';
import type { EventRecorder } from '../kube/event-recorder.ts';

export interface SuppressionReporter {
  report(
    template: RemediationTemplate,
    target: string | undefined,
    reason: string,
    message: string,
  ): void;
}

export function createSuppressionReporter(
  events: Pick<EventRecorder, 'record'>,
  options: { windowMs?: number; stormWindowMs?: number } = {},
): SuppressionReporter {
  const reported = new LRUCache<string, true>({ max: 10_000, ttl: options.windowMs ?? 300_000 });
  return {
    report(template, target, reason, message) {
      const storm = reason === 'StormLimit';
      const key = `${template.metadata.namespace ?? ''}/${template.metadata.name ?? ''}|${storm ? '*' : (target ?? '*')}|${reason}`;
      if (reported.has(key)) return;
      reported.set(key, true, storm ? { ttl: options.stormWindowMs ?? 60_000 } : {});
      const about = target === undefined || storm ? '' : ` on ${target}`;
      events.record(
        { apiVersion: API_VERSION, kind: 'RemediationTemplate', metadata: template.metadata },
        'Warning',
        `Suppressed${reason}`,
        `alert${about} started no run: ${message}`,
      );
    },
  };
}
