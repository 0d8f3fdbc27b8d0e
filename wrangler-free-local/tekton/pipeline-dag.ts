/**
 * The graph of a Pipeline: a task runs after the tasks in its runAfter and after every task
 * whose results it references (`$(tasks.<t>.results.<r>)`), as Tekton builds its DAG.
 * Validation covers what Tekton's webhook rejects and the controller relies on.
 */
import { findResultReferences, stringsOf } from './substitution.ts';
import type { PipelineSpec, PipelineTask } from './types.ts';

/** The names of the tasks that must succeed before this one starts. */
export function dependenciesOf(task: PipelineTask): string[] {
  const texts = [
    ...(task.params ?? []).map((param) => param.value),
    ...(task.when ?? []).flatMap((expression) => [expression.input, ...expression.values]),
  ];
  const references = texts
    .flatMap(stringsOf)
    .flatMap(findResultReferences)
    .map((reference) => reference.task);
  return [...new Set([...(task.runAfter ?? []), ...references])];
}

const NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A reason for Tekton's `PipelineValidationFailed`, or undefined when the spec is valid. */
export function validatePipelineSpec(spec: PipelineSpec): string | undefined {
  const tasks = spec.tasks ?? [];
  const finallyTasks = spec.finally ?? [];
  if (tasks.length === 0) return 'expected at least one, got none: spec.tasks';
  const names = new Set<string>();
  for (const task of [...tasks, ...finallyTasks]) {
    if (!NAME_RE.test(task.name) || task.name.length > 63)
      return `invalid value "${task.name}": pipeline task name must be a valid DNS-1123 label`;
    if (names.has(task.name))
      return `expected exactly one, got both: spec.tasks[].name "${task.name}"`;
    names.add(task.name);
    if (Boolean(task.taskRef) === Boolean(task.taskSpec))
      return `expected exactly one, got ${task.taskRef ? 'both' : 'neither'}: spec.tasks[${task.name}].taskRef, spec.tasks[${task.name}].taskSpec`;
  }
  const dagNames = new Set(tasks.map((task) => task.name));
  for (const task of tasks) {
    for (const dependency of dependenciesOf(task)) {
      if (!dagNames.has(dependency))
        return `invalid value: pipeline task "${task.name}" depends on "${dependency}", which is not a task of the pipeline`;
    }
  }
  for (const task of finallyTasks) {
    if (task.runAfter?.length)
      return `invalid value: no runAfter allowed under spec.finally, final task ${task.name} has runAfter specified`;
  }
  const cycle = findCycle(tasks);
  if (cycle) return `invalid value: cycle detected; task "${cycle}" depends on itself`;
  return undefined;
}

function findCycle(tasks: PipelineTask[]): string | undefined {
  const byName = new Map(tasks.map((task) => [task.name, task]));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string): string | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return name;
    state.set(name, 'visiting');
    const task = byName.get(name);
    for (const dependency of task ? dependenciesOf(task) : []) {
      const cycle = visit(dependency);
      if (cycle) return cycle;
    }
    state.set(name, 'done');
    return undefined;
  };
  for (const task of tasks) {
    const cycle = visit(task.name);
    if (cycle) return cycle;
  }
  return undefined;
}

/**
 * The tasks that may start now: not started yet, and every dependency succeeded. `started`
 * holds every task with a TaskRun; `succeeded` those whose TaskRun succeeded.
 */
export function readyTasks(
  tasks: readonly PipelineTask[],
  started: ReadonlySet<string>,
  succeeded: ReadonlySet<string>,
): PipelineTask[] {
  return tasks.filter(
    (task) =>
      !started.has(task.name) &&
      dependenciesOf(task).every((dependency) => succeeded.has(dependency)),
  );
}
