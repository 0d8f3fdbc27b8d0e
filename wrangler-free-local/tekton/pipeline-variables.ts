/**
 * The variables a PipelineRun substitutes into its pipeline tasks: parameters (declared
 * defaults overridden by the run's values), context, and the results of finished tasks.
 */
import type { Variables } from './substitution.ts';
import type { ParamSpec, PipelineRun, PipelineSpec, TaskRun } from './types.ts';

export interface ParamValues {
  strings: Map<string, string>;
  arrays: Map<string, string[]>;
}

/** Defaults first, given values override; arrays and objects also by item and key. */
export function collectParams(
  specs: readonly ParamSpec[],
  given: readonly { name: string; value: unknown }[],
  prefix = 'params',
): ParamValues {
  const values = new Map<string, unknown>();
  for (const spec of specs) if (spec.default !== undefined) values.set(spec.name, spec.default);
  for (const param of given) values.set(param.name, param.value);
  const strings = new Map<string, string>();
  const arrays = new Map<string, string[]>();
  for (const [name, value] of values) {
    const key = `${prefix}.${name}`;
    if (typeof value === 'string') strings.set(key, value);
    else if (Array.isArray(value)) {
      const items = value.map(String);
      arrays.set(key, items);
      items.forEach((item, index) => strings.set(`${key}[${String(index)}]`, item));
    } else if (value && typeof value === 'object') {
      for (const [field, item] of Object.entries(value))
        strings.set(`${key}.${field}`, String(item));
    }
  }
  return { strings, arrays };
}

/** The names of declared params that have neither a default nor a given value. */
export function missingParams(
  specs: readonly ParamSpec[],
  given: readonly { name: string }[],
): string[] {
  const names = new Set(given.map((param) => param.name));
  return specs
    .filter((spec) => spec.default === undefined && !names.has(spec.name))
    .map((spec) => spec.name);
}

export function pipelineVariables(
  run: PipelineRun,
  spec: PipelineSpec,
  taskRuns: ReadonlyMap<string, TaskRun>,
): { strings: Map<string, string>; arrays: Map<string, string[]> } {
  const { strings, arrays } = collectParams(spec.params ?? [], run.spec?.params ?? []);
  const name = run.metadata?.name ?? '';
  strings.set('context.pipelineRun.name', name);
  strings.set('context.pipelineRun.namespace', run.metadata?.namespace ?? 'default');
  strings.set('context.pipelineRun.uid', run.metadata?.uid ?? '');
  strings.set('context.pipeline.name', run.spec?.pipelineRef?.name ?? name);
  for (const [task, taskRun] of taskRuns) {
    for (const result of taskRun.status?.results ?? []) {
      strings.set(`tasks.${task}.results.${result.name}`, result.value);
    }
  }
  for (const [key, value] of executionStatuses(spec, taskRuns)) strings.set(key, value);
  return { strings, arrays };
}

/**
 * `$(tasks.<t>.status)` and the aggregate `$(tasks.status)`, which finally tasks read:
 * Succeeded, Failed or None per task; Succeeded, Failed or Completed (some skipped) overall.
 */
function executionStatuses(
  spec: PipelineSpec,
  taskRuns: ReadonlyMap<string, TaskRun>,
): [string, string][] {
  const statuses = (spec.tasks ?? []).map((task): [string, string] => {
    const condition = taskRuns
      .get(task.name)
      ?.status?.conditions?.find((item) => item.type === 'Succeeded');
    const status =
      condition?.status === 'True'
        ? 'Succeeded'
        : condition?.status === 'False'
          ? 'Failed'
          : 'None';
    return [`tasks.${task.name}.status`, status];
  });
  const values = statuses.map(([, status]) => status);
  const overall = values.includes('Failed')
    ? 'Failed'
    : values.includes('None')
      ? 'Completed'
      : 'Succeeded';
  return [...statuses, ['tasks.status', overall]];
}

export function withTaskContext(variables: Variables, retries: number): Variables {
  return new Map([...variables, ['context.pipelineTask.retries', String(retries)]]);
}
