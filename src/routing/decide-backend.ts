/**
 * Which backend runs a workflow (pure): the per-run annotation `kubernaut.ai/backend`
 * first, then the flags' mode, then the first matching rule. Tekton chosen where Tekton is
 * not installed falls back to Jobs, saying so. The decision is made once per run and
 * recorded in status.backend (sticky: the run reconciler never asks again).
 */
import { createHash } from 'node:crypto';
import type { WorkflowExecution } from '../api/workflow-execution.ts';
import type { BackendName, RoutingFlags, RoutingMatch } from './routing-flags.ts';

export const BACKEND_ANNOTATION = 'kubernaut.ai/backend';

export interface BackendDecision {
  name: BackendName;
  reason: string;
  /** Set when Tekton was chosen but is not installed, so Jobs runs instead. */
  fellBack?: boolean;
}

/** A stable bucket in [0, 100) from the run's uid: the same run always lands the same. */
export function percentileOf(uid: string): number {
  return (createHash('sha256').update(uid).digest().readUInt32BE(0) % 10_000) / 100;
}

export function matches(run: WorkflowExecution, match: RoutingMatch): boolean {
  const steps = run.spec.steps;
  const checks: [unknown, () => boolean][] = [
    [match.workflowTypes, () => match.workflowTypes?.includes(run.spec.workflowType) ?? true],
    [match.minSteps, () => steps.length >= (match.minSteps ?? 0)],
    [match.maxSteps, () => steps.length <= (match.maxSteps ?? Infinity)],
    [
      match.hasDependencies,
      () => steps.some((step) => step.runAfter.length > 0) === match.hasDependencies,
    ],
    [
      match.namespaces,
      () => match.namespaces?.includes(run.metadata.namespace ?? 'default') ?? true,
    ],
    [match.templates, () => match.templates?.includes(run.spec.templateRef?.name ?? '') ?? true],
    [match.percentage, () => percentileOf(run.metadata.uid ?? '') < (match.percentage ?? 100)],
  ];
  return checks.every(([given, check]) => given === undefined || check());
}

function chooseBackend(run: WorkflowExecution, flags: RoutingFlags): BackendDecision {
  const annotated = run.metadata.annotations?.[BACKEND_ANNOTATION];
  if (annotated === 'jobs' || annotated === 'tekton') {
    return { name: annotated, reason: `annotation ${BACKEND_ANNOTATION}=${annotated}` };
  }
  const ignored =
    annotated === undefined
      ? ''
      : ` (annotation ${BACKEND_ANNOTATION}="${annotated}" ignored: not jobs or tekton)`;
  if (flags.mode !== 'rules')
    return { name: flags.mode, reason: `routing mode ${flags.mode}${ignored}` };
  const rule = flags.rules.find((candidate) => matches(run, candidate.match));
  if (rule) return { name: rule.backend, reason: `routing rule "${rule.name}"${ignored}` };
  return {
    name: flags.defaultBackend,
    reason: `no routing rule matched: default backend ${flags.defaultBackend}${ignored}`,
  };
}

export function decideBackend(
  run: WorkflowExecution,
  flags: RoutingFlags,
  tektonInstalled: boolean,
): BackendDecision {
  const decision = chooseBackend(run, flags);
  if (decision.name === 'jobs' || tektonInstalled) return decision;
  return {
    name: 'jobs',
    reason: `${decision.reason} chose tekton, but Tekton is not installed (no tekton.dev/v1 pipelineruns): Jobs instead`,
    fellBack: true,
  };
}
