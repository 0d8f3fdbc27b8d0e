/**
 * Guardrails: may this alert start a new run of this template on this target now? Pure, with
 * the clock injected; its state is the runs themselves (from the informer cache, selected by
 * the template and target labels), so decisions survive restarts and agree across replicas.
 * Order matters: a pause stops everything; an active run absorbs the alert as a duplicate
 * (one problem, one run); then a target whose runs keep failing is left alone, a target just
 * remediated gets its quiet time, and a template that starts too much at once is held back.
 */
import { parseDuration } from '../api/duration.ts';
import { guardrailsSchema, type Guardrails } from '../api/remediation-template.ts';
import type { RunPhase } from '../api/workflow-execution.ts';
import { TERMINAL_RUN_PHASES } from '../api/workflow-execution.ts';

/** What guardrails need to know of one existing run. */
export interface RunFacts {
  name: string;
  phase?: RunPhase;
  createdAtMs: number;
  completedAtMs?: number;
}

export interface GuardrailInput {
  guardrails: Guardrails | undefined;
  /** Runs of this template on this target. */
  targetRuns: readonly RunFacts[];
  /** How many of this template's runs, on any target, were created in (afterMs, upToMs]. */
  templateCreationsBetween: (afterMs: number, upToMs: number) => number;
  paused: boolean;
  nowMs: number;
}

export type SuppressionReason = 'Paused' | 'FailureBlock' | 'Cooldown' | 'StormLimit';

export type GuardrailDecision =
  | { action: 'create' }
  | { action: 'duplicate'; run: string }
  | { action: 'suppress'; reason: SuppressionReason; message: string };

const STORM_WINDOW_MS = 60_000;
const DEFAULTS: Guardrails = guardrailsSchema.parse({});

export function evaluateGuardrails(input: GuardrailInput): GuardrailDecision {
  const guardrails = input.guardrails ?? DEFAULTS;
  const { nowMs } = input;
  if (input.paused) {
    return { action: 'suppress', reason: 'Paused', message: 'alert intake is paused' };
  }
  const active = input.targetRuns
    .filter((run) => !isFinished(run))
    .sort((a, b) => b.createdAtMs - a.createdAtMs);
  const newest = active[0];
  if (newest && active.length >= guardrails.maxActivePerTarget) {
    return { action: 'duplicate', run: newest.name };
  }
  const finished = input.targetRuns
    .filter((run) => isFinished(run))
    .sort((a, b) => (b.completedAtMs ?? b.createdAtMs) - (a.completedAtMs ?? a.createdAtMs));

  const block = failureBlock(finished, guardrails, nowMs);
  if (block) return block;

  const cooldownMs = parseDuration(guardrails.cooldown ?? '') ?? 0;
  const last = finished[0];
  const lastEnd = last?.completedAtMs ?? last?.createdAtMs;
  if (cooldownMs > 0 && lastEnd !== undefined && nowMs < lastEnd + cooldownMs) {
    return {
      action: 'suppress',
      reason: 'Cooldown',
      message: `cooldown of ${guardrails.cooldown ?? ''} after run ${last?.name ?? ''} until ${iso(lastEnd + cooldownMs)}`,
    };
  }

  const recent = input.templateCreationsBetween(nowMs - STORM_WINDOW_MS, nowMs);
  if (recent >= guardrails.maxNewRunsPerMinute) {
    return {
      action: 'suppress',
      reason: 'StormLimit',
      message: `storm limit: ${String(recent)} runs of this template in the last minute (at most ${String(guardrails.maxNewRunsPerMinute)})`,
    };
  }
  return { action: 'create' };
}

/** N failures in a row (newest first; cancelled runs say nothing either way) block a while. */
function failureBlock(
  finished: readonly RunFacts[],
  guardrails: Guardrails,
  nowMs: number,
): GuardrailDecision | undefined {
  const { after } = guardrails.failureBlock;
  const forMs = parseDuration(guardrails.failureBlock.for) ?? 0;
  let failures = 0;
  let lastFailureMs: number | undefined;
  for (const run of finished) {
    if (run.phase === 'Cancelled') continue;
    if (run.phase !== 'Failed') break;
    failures++;
    lastFailureMs ??= run.completedAtMs ?? run.createdAtMs;
  }
  if (failures < after || lastFailureMs === undefined || nowMs >= lastFailureMs + forMs) {
    return undefined;
  }
  return {
    action: 'suppress',
    reason: 'FailureBlock',
    message: `${String(failures)} consecutive failed runs on this target; blocked until ${iso(lastFailureMs + forMs)}`,
  };
}

const isFinished = (run: RunFacts): boolean =>
  run.phase !== undefined && TERMINAL_RUN_PHASES.has(run.phase);

const iso = (ms: number): string => new Date(ms).toISOString();
