/**
 * The inputs an action starts with, from its environment: `ACTION_INPUTS` (JSON object),
 * with `$(steps.X.outputs.Y)` references resolved from `KUBERNAUT_UPSTREAM_OUTPUTS` (JSON
 * object of outputs by step name). On the Jobs backend the dispatcher has resolved the
 * references already and sets no upstream outputs, so this returns the inputs as they are;
 * on the Tekton backend the PipelineRun passes the referenced steps' `outputs` results and
 * the action runtime calls this before it validates the inputs. One resolver for both:
 * resolveOutputReferences, so a reference means the same on V1 and V2.
 */
import type { JsonObject } from '../api/primitives.ts';
import { resolveOutputReferences } from './output-references.ts';

export type ActionInputsResult =
  | { ok: true; inputs: JsonObject }
  | { ok: false; reason: 'InvalidInputs' | 'OutputNotFound'; message: string };

const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function parseObject(name: string, text: string | undefined): JsonObject | string {
  if (text === undefined || text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : `${name} is not a JSON object`;
  } catch (error) {
    return `${name} is not JSON: ${(error as Error).message}`;
  }
}

/**
 * The runtime's hook: inputs already read (from ACTION_INPUTS or stdin) with their output
 * references resolved from the upstream outputs JSON (KUBERNAUT_UPSTREAM_OUTPUTS), if any.
 */
export function resolveInputReferences(
  inputs: unknown,
  upstreamOutputs: string | undefined,
): ActionInputsResult {
  if (!isObject(inputs)) {
    return { ok: false, reason: 'InvalidInputs', message: 'the inputs are not a JSON object' };
  }
  if (upstreamOutputs === undefined) return { ok: true, inputs };
  const upstream = parseObject('KUBERNAUT_UPSTREAM_OUTPUTS', upstreamOutputs);
  if (typeof upstream === 'string')
    return { ok: false, reason: 'InvalidInputs', message: upstream };
  const resolved = resolveOutputReferences(inputs, (step) => {
    const outputs = upstream[step];
    return isObject(outputs) ? outputs : undefined;
  });
  if (resolved.ok) return { ok: true, inputs: resolved.value };
  return {
    ok: false,
    reason: 'OutputNotFound',
    message: `no such output: ${resolved.missing.map((reference) => reference.text).join(', ')}`,
  };
}

/** ACTION_INPUTS with its references resolved from KUBERNAUT_UPSTREAM_OUTPUTS. */
export function resolveActionInputs(
  env: Readonly<Record<string, string | undefined>>,
): ActionInputsResult {
  const inputs = parseObject('ACTION_INPUTS', env.ACTION_INPUTS);
  if (typeof inputs === 'string') return { ok: false, reason: 'InvalidInputs', message: inputs };
  return resolveInputReferences(inputs, env.KUBERNAUT_UPSTREAM_OUTPUTS);
}
