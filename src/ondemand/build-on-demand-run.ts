/**
 * The WorkflowExecution an on-demand request creates: from a template (steps rendered with
 * `{{ params.x }}`) or, for admins, from an ad-hoc spec. Pure: names, caller and clock come in.
 * The caller is recorded in `spec.source` (who asked, and through which channel), which is
 * also what the approval rule reads to refuse self-approval.
 */
import { API_VERSION, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../api/group.ts';
import { TARGET_HASH_LABEL, TEMPLATE_LABEL } from '../api/labels.ts';
import type { JsonObject } from '../api/primitives.ts';
import type { RemediationTemplate } from '../api/remediation-template.ts';
import type { WorkflowExecution, WorkflowExecutionSpec } from '../api/workflow-execution.ts';
import { renderJson, renderPlaceholders } from '../alerts/placeholders.ts';
import { targetHash } from '../alerts/run-name.ts';
import { boundedName } from '../workflow/child-names.ts';
import type { Problem, Validated } from '../workflow/problems.ts';

export interface OnDemandCaller {
  name: string;
  via: 'api' | 'slack' | 'cli';
}

/** Annotation holding the digest of the request under its Idempotency-Key. */
export const REQUEST_DIGEST_ANNOTATION = 'kubernaut.ai/idempotency-request';

interface RunIdentity {
  name: string;
  namespace: string;
  caller: OnDemandCaller;
  requestDigest?: string;
  /** Overrides of what the template says. */
  target?: string;
  requireApproval?: boolean;
  dryRun?: boolean;
}

function metadataOf(identity: RunIdentity, labels: Record<string, string>) {
  return {
    name: identity.name,
    namespace: identity.namespace,
    labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, ...labels },
    ...(identity.requestDigest
      ? { annotations: { [REQUEST_DIGEST_ANNOTATION]: identity.requestDigest } }
      : {}),
  };
}

function targetLabels(target: string | undefined): Record<string, string> {
  return target === undefined ? {} : { [TARGET_HASH_LABEL]: targetHash(target) };
}

export function buildTemplateRun(
  template: RemediationTemplate,
  params: Readonly<Record<string, string>>,
  identity: RunIdentity,
): Validated<WorkflowExecution> {
  const values = { labels: {}, annotations: {}, params };
  const problems: Problem[] = [];
  const steps = template.spec.steps.map((step, index) => {
    const missing = new Set<string>();
    const inputs = renderJson(step.inputs, values, missing) as JsonObject;
    for (const text of missing) {
      problems.push({
        path: `template.spec.steps[${String(index)}].inputs`,
        message: `${text} has no value: on-demand runs fill {{ params.x }} only`,
      });
    }
    return { ...step, inputs };
  });
  let target = identity.target;
  if (target === undefined && template.spec.target !== undefined) {
    const rendered = renderPlaceholders(template.spec.target, values);
    if (rendered.ok) target = rendered.text;
    else {
      problems.push({
        path: 'target',
        message: `the template's target needs ${rendered.missing.join(', ')}: give "target" in the request`,
      });
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  const { metadata, spec } = template;
  const templateName = metadata.name ?? '';
  return {
    ok: true,
    value: {
      apiVersion: API_VERSION,
      kind: 'WorkflowExecution',
      metadata: metadataOf(identity, {
        [TEMPLATE_LABEL]: boundedName(templateName),
        ...targetLabels(target),
      }),
      spec: {
        workflowType: spec.workflowType,
        steps,
        ...(spec.timeout === undefined ? {} : { timeout: spec.timeout }),
        source: { type: 'onDemand', caller: identity.caller },
        templateRef: {
          name: templateName,
          ...(metadata.namespace === undefined ? {} : { namespace: metadata.namespace }),
          ...(metadata.uid === undefined ? {} : { uid: metadata.uid }),
        },
        ...(target === undefined ? {} : { target }),
        cancel: false,
        dryRun: identity.dryRun ?? spec.guardrails?.dryRun ?? false,
        ...approvalOf(identity.requireApproval ?? spec.guardrails?.approval?.required ?? false),
      },
    },
  };
}

function approvalOf(required: boolean): Pick<WorkflowExecutionSpec, 'approval'> {
  return required ? { approval: { required: true } } : {};
}

export type AdHocWorkflow = Pick<WorkflowExecutionSpec, 'workflowType' | 'steps'> &
  Partial<Pick<WorkflowExecutionSpec, 'timeout' | 'target'>>;

/** An admin's ad-hoc workflow: the spec as given, with the caller and approval recorded. */
export function buildAdHocRun(workflow: AdHocWorkflow, identity: RunIdentity): WorkflowExecution {
  const target = identity.target ?? workflow.target;
  return {
    apiVersion: API_VERSION,
    kind: 'WorkflowExecution',
    metadata: metadataOf(identity, targetLabels(target)),
    spec: {
      workflowType: workflow.workflowType,
      steps: workflow.steps,
      ...(workflow.timeout === undefined ? {} : { timeout: workflow.timeout }),
      ...(target === undefined ? {} : { target }),
      source: { type: 'onDemand', caller: identity.caller },
      cancel: false,
      dryRun: identity.dryRun ?? false,
      ...approvalOf(identity.requireApproval ?? false),
    },
  };
}
