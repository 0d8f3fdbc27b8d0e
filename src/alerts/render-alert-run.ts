/**
 * The WorkflowExecution an alert starts from a template: steps with `{{ labels.x }}`,
 * `{{ annotations.y }}` and `{{ params.z }}` substituted in every string input, where the
 * alert came from, the template it instantiates and the labels guardrails select by. Pure: the
 * same alert, template and target always give the same object, on every replica.
 */
import { API_VERSION, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../api/group.ts';
import { ALERT_FINGERPRINT_LABEL, TARGET_HASH_LABEL, TEMPLATE_LABEL } from '../api/labels.ts';
import type { JsonObject } from '../api/primitives.ts';
import type { RemediationTemplate } from '../api/remediation-template.ts';
import type { WorkflowExecution } from '../api/workflow-execution.ts';
import type { WorkflowStep } from '../api/workflow-step.ts';
import { boundedName } from '../workflow/child-names.ts';
import { renderJson, type PlaceholderValues } from './placeholders.ts';
import { targetHash } from './run-name.ts';
import type { IntakeAlert } from './webhook-payload.ts';

export interface AlertRunInput {
  template: RemediationTemplate;
  alert: IntakeAlert;
  target: string;
  name: string;
  receiver?: string;
}

export type RenderedRun = { ok: true; run: WorkflowExecution } | { ok: false; reason: string };

export function placeholderValuesOf(
  alert: Pick<IntakeAlert, 'labels' | 'annotations'>,
  template: RemediationTemplate,
): PlaceholderValues {
  const params: Record<string, string> = {};
  for (const parameter of template.spec.parameters) {
    if (parameter.default !== undefined) params[parameter.name] = parameter.default;
  }
  return { labels: alert.labels, annotations: alert.annotations, params };
}

export function renderAlertRun(input: AlertRunInput): RenderedRun {
  const { template, alert, target, name } = input;
  const values = placeholderValuesOf(alert, template);
  const missing = new Set<string>();
  const steps = template.spec.steps.map((step): WorkflowStep => ({
    ...step,
    inputs: renderJson(step.inputs, values, missing) as JsonObject,
  }));
  if (missing.size > 0) {
    return {
      ok: false,
      reason: `template ${template.metadata.name ?? ''}: the alert has no value for ${[...missing].join(', ')}`,
    };
  }
  const { spec, metadata } = template;
  const run: WorkflowExecution = {
    apiVersion: API_VERSION,
    kind: 'WorkflowExecution',
    metadata: {
      name,
      namespace: metadata.namespace ?? 'default',
      labels: {
        [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
        [TEMPLATE_LABEL]: boundedName(metadata.name ?? ''),
        [TARGET_HASH_LABEL]: targetHash(target),
        [ALERT_FINGERPRINT_LABEL]: alert.fingerprint.slice(0, 63),
      },
    },
    spec: {
      workflowType: spec.workflowType,
      steps,
      ...(spec.timeout === undefined ? {} : { timeout: spec.timeout }),
      source: {
        type: 'alert',
        alert: {
          fingerprint: alert.fingerprint,
          labels: alert.labels,
          annotations: alert.annotations,
          startsAt: alert.startsAt,
          ...(input.receiver === undefined ? {} : { receiver: input.receiver }),
          ...(alert.generatorURL === undefined ? {} : { generatorURL: alert.generatorURL }),
        },
      },
      templateRef: {
        name: metadata.name ?? '',
        ...(metadata.namespace === undefined ? {} : { namespace: metadata.namespace }),
        ...(metadata.uid === undefined ? {} : { uid: metadata.uid }),
      },
      target,
      cancel: false,
      dryRun: spec.guardrails?.dryRun ?? false,
      ...(spec.guardrails?.approval?.required ? { approval: { required: true } } : {}),
    },
  };
  return { ok: true, run };
}
