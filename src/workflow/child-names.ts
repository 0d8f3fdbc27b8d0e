/**
 * Deterministic names for the objects a run creates (invariant 2): the same run, step and
 * attempt always give the same name, so a repeated create answers AlreadyExists and is
 * adopted instead of duplicated. Names longer than a DNS label are cut and suffixed with a
 * hash of the full name, so distinct long names stay distinct.
 */
import { createHash } from 'node:crypto';
import { DNS1123_LABEL_MAX } from '../api/primitives.ts';

const HASH_LENGTH = 10;

export function boundedName(full: string, max = DNS1123_LABEL_MAX): string {
  if (full.length <= max) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, HASH_LENGTH);
  const prefix = full.slice(0, max - HASH_LENGTH - 1).replace(/[-.]+$/, '');
  return `${prefix}-${hash}`;
}

/** Job and ActionExecution of one step attempt: `<run>-<step>-<attempt>`. */
export function attemptName(run: string, step: string, attempt: number): string {
  return boundedName(`${run}-${step}-${attempt}`);
}

/** The run's shared workspace claim: `<run>-workspace`. */
export function workspaceClaimName(run: string): string {
  return boundedName(`${run}-workspace`);
}

/** The run's one PipelineRun on the Tekton backend: `<run>`. */
export function pipelineRunName(run: string): string {
  return boundedName(run);
}
