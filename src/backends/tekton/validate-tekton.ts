/**
 * Tekton v1's validation rules (its webhook and reconciler: pkg/apis/pipeline/v1
 * *_validation.go), applied offline to a Task, Pipeline, PipelineRun or TaskRun: names are
 * DNS-1123 labels, task names unique, runAfter names existing tasks, no cycles, every
 * `$(params.x)` declared, workspaces declared and bound, results declared, result references
 * pointing at tasks that run before. Returns every problem, each with the field path.
 */
import { parseDuration } from '../../api/duration.ts';
import { StepGraph } from '../../workflow/dag.ts';
import type { Problem } from '../../workflow/problems.ts';
import type {
  TektonParamSpec,
  TektonPipelineSpec,
  TektonPipelineTask,
  TektonTaskSpec,
  TektonWorkspaceBinding,
} from './tekton-types.ts';

const LABEL_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** `$(name)` with no nested parentheses: `$((1+2))` is shell arithmetic, not a variable. */
const VARIABLE_RE = /\$\(([^()$\s]+)\)/g;
const RESULT_REF_RE = /^tasks\.([^.]+)\.results\.([^.[\]]+)/;

interface TektonObject {
  kind?: string;
  metadata?: { name?: string; generateName?: string };
  spec?: object;
}

interface RunSpec {
  pipelineSpec?: TektonPipelineSpec;
  pipelineRef?: { name?: string };
  taskSpec?: TektonTaskSpec;
  taskRef?: { name?: string };
  params?: { name: string }[];
  workspaces?: TektonWorkspaceBinding[];
  timeouts?: Record<string, string | undefined>;
  timeout?: string;
}

/** Every `$(…)` variable in any string of a value, with the path of the string. */
function variablesIn(value: unknown, path: string): { path: string; name: string }[] {
  if (typeof value === 'string')
    return [...value.matchAll(VARIABLE_RE)].map((match) => ({
      path,
      name: (match[1] ?? '').replace(/\[(["'])([^"']+)\1\]/g, '.$2'),
    }));
  if (Array.isArray(value))
    return value.flatMap((item: unknown, index) => variablesIn(item, `${path}[${index}]`));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) => variablesIn(item, `${path}.${key}`));
  return [];
}

/** The param a `params.x`, `params.x[*]`, `params.x.key` or `params.x[0]` variable names. */
const paramOf = (name: string): string | undefined =>
  /^params\.([^.[\]]+)/.exec(name)?.[1] ?? undefined;

function checkParamRefs(
  value: unknown,
  path: string,
  declared: ReadonlySet<string>,
  problems: Problem[],
): void {
  for (const variable of variablesIn(value, path)) {
    const param = paramOf(variable.name);
    if (param !== undefined && !declared.has(param))
      problems.push({
        path: variable.path,
        message: `$(${variable.name}) names no declared param`,
      });
  }
}

function checkDuration(value: string | undefined, path: string, problems: Problem[]): void {
  if (value !== undefined && value !== '0' && parseDuration(value) === undefined)
    problems.push({ path, message: `"${value}" is not a duration such as 1h30m or 30s` });
}

export function validateTaskSpec(
  spec: TektonTaskSpec,
  path: string,
  inherited: readonly string[] = [],
): Problem[] {
  const problems: Problem[] = [];
  const params = new Set([...(spec.params ?? []).map((param) => param.name), ...inherited]);
  const workspaces = new Set((spec.workspaces ?? []).map((workspace) => workspace.name));
  const results = new Set((spec.results ?? []).map((result) => result.name));
  const steps = spec.steps ?? [];
  if (steps.length === 0) problems.push({ path: `${path}.steps`, message: 'at least one step' });
  const names = new Set<string>();
  steps.forEach((step, index) => {
    const at = `${path}.steps[${index}]`;
    if (!step.image) problems.push({ path: `${at}.image`, message: 'a step needs an image' });
    if (step.script !== undefined && step.command)
      problems.push({ path: `${at}.script`, message: 'script cannot be used with command' });
    if (step.name !== undefined) {
      if (!LABEL_RE.test(step.name) || step.name.length > 63)
        problems.push({ path: `${at}.name`, message: `"${step.name}" is not a DNS-1123 label` });
      if (names.has(step.name))
        problems.push({ path: `${at}.name`, message: `step name "${step.name}" is repeated` });
      names.add(step.name);
    }
    for (const variable of variablesIn(step, at)) {
      const [kind, name] = variable.name.split('.');
      const missing =
        (kind === 'params' && !params.has(paramOf(variable.name) ?? '')) ||
        (kind === 'workspaces' && !workspaces.has(name ?? '')) ||
        (kind === 'results' && !results.has(name ?? ''));
      if (missing)
        problems.push({ path: variable.path, message: `$(${variable.name}) is not declared` });
    }
  });
  return problems;
}

/** The tasks a pipeline task must follow: runAfter, and every task whose results it reads. */
export function dependenciesOf(task: TektonPipelineTask): string[] {
  const referenced = variablesIn([task.params, task.when], '')
    .map((variable) => RESULT_REF_RE.exec(variable.name)?.[1])
    .filter((name): name is string => name !== undefined);
  return [...new Set([...(task.runAfter ?? []), ...referenced])];
}

/** One cycle of the pipeline's DAG (runAfter and result references), as task names. */
function findCycle(tasks: readonly TektonPipelineTask[]): string[] | undefined {
  return new StepGraph(
    tasks.map((task) => ({ name: task.name, runAfter: dependenciesOf(task) })),
  ).findCycle();
}

/** Looks up a Task by name, to check a taskRef's params and workspaces against it. */
export type TaskLookup = (name: string) => TektonTaskSpec | undefined;

interface PipelineContext {
  params: Set<string>;
  workspaces: Set<string>;
  dag: Set<string>;
  finally: boolean;
  lookup: TaskLookup | undefined;
}

/** The params and workspaces a pipeline task gives must be the ones its Task declares. */
function checkAgainstTask(task: TektonPipelineTask, at: string, spec: TektonTaskSpec): Problem[] {
  const problems: Problem[] = [];
  const given = new Set((task.params ?? []).map((param) => param.name));
  const declared = new Set((spec.params ?? []).map((param) => param.name));
  for (const param of spec.params ?? [])
    if (param.default === undefined && !given.has(param.name))
      problems.push({ path: `${at}.params`, message: `param "${param.name}" has no value` });
  for (const [index, param] of (task.params ?? []).entries())
    if (!declared.has(param.name))
      problems.push({
        path: `${at}.params[${index}]`,
        message: `the Task declares no param "${param.name}"`,
      });
  const workspaces = new Set((spec.workspaces ?? []).map((workspace) => workspace.name));
  for (const [index, binding] of (task.workspaces ?? []).entries())
    if (!workspaces.has(binding.name))
      problems.push({
        path: `${at}.workspaces[${index}]`,
        message: `the Task declares no workspace "${binding.name}"`,
      });
  const bound = new Set((task.workspaces ?? []).map((binding) => binding.name));
  for (const workspace of spec.workspaces ?? [])
    if (!workspace.optional && !bound.has(workspace.name))
      problems.push({
        path: `${at}.workspaces`,
        message: `workspace "${workspace.name}" is not bound`,
      });
  return problems;
}

/** Params naming declared params, result references naming earlier tasks, bound workspaces. */
function checkTaskInputs(
  task: TektonPipelineTask,
  at: string,
  context: PipelineContext,
  problems: Problem[],
): void {
  const inputs = { params: task.params, when: task.when };
  checkParamRefs(inputs, at, context.params, problems);
  for (const variable of variablesIn(inputs, at)) {
    const target = RESULT_REF_RE.exec(variable.name)?.[1];
    if (target === undefined) continue;
    if (target === task.name || !context.dag.has(target))
      problems.push({
        path: variable.path,
        message: `$(${variable.name}) must name a task that runs before "${task.name}"`,
      });
  }
  for (const [index, binding] of (task.workspaces ?? []).entries()) {
    const name = binding.workspace ?? binding.name;
    if (!context.workspaces.has(name))
      problems.push({
        path: `${at}.workspaces[${index}]`,
        message: `workspace "${name}" is not declared by the pipeline`,
      });
  }
}

function checkPipelineTask(
  task: TektonPipelineTask,
  at: string,
  context: PipelineContext,
  problems: Problem[],
): void {
  if (!LABEL_RE.test(task.name) || task.name.length > 63)
    problems.push({ path: `${at}.name`, message: `"${task.name}" is not a DNS-1123 label` });
  if (Boolean(task.taskRef) === Boolean(task.taskSpec))
    problems.push({ path: at, message: 'exactly one of taskRef and taskSpec' });
  if (context.finally && task.runAfter?.length)
    problems.push({ path: `${at}.runAfter`, message: 'finally tasks cannot have runAfter' });
  for (const [index, name] of (context.finally ? [] : (task.runAfter ?? [])).entries()) {
    if (!context.dag.has(name))
      problems.push({ path: `${at}.runAfter[${index}]`, message: `no task named "${name}"` });
  }
  checkTaskInputs(task, at, context, problems);
  checkDuration(task.timeout, `${at}.timeout`, problems);
  const referenced = task.taskRef?.name ? context.lookup?.(task.taskRef.name) : undefined;
  if (referenced) problems.push(...checkAgainstTask(task, at, referenced));
  if (task.taskSpec) {
    const given = (task.params ?? []).map((param) => param.name);
    problems.push(
      ...validateTaskSpec(task.taskSpec, `${at}.taskSpec`, [...given, ...context.params]),
    );
  }
}

export function validatePipelineSpec(
  spec: TektonPipelineSpec,
  path: string,
  lookup?: TaskLookup,
): Problem[] {
  const problems: Problem[] = [];
  const tasks = spec.tasks ?? [];
  const finallyTasks = spec.finally ?? [];
  if (tasks.length === 0) problems.push({ path: `${path}.tasks`, message: 'at least one task' });
  const seen = new Set<string>();
  for (const task of [...tasks, ...finallyTasks]) {
    if (seen.has(task.name))
      problems.push({ path: `${path}.tasks`, message: `task name "${task.name}" is repeated` });
    seen.add(task.name);
  }
  const context = {
    params: new Set((spec.params ?? []).map((param) => param.name)),
    workspaces: new Set((spec.workspaces ?? []).map((workspace) => workspace.name)),
    dag: new Set(tasks.map((task) => task.name)),
    lookup,
  };
  tasks.forEach((task, index) => {
    checkPipelineTask(task, `${path}.tasks[${index}]`, { ...context, finally: false }, problems);
  });
  finallyTasks.forEach((task, index) => {
    checkPipelineTask(task, `${path}.finally[${index}]`, { ...context, finally: true }, problems);
  });
  const cycle = findCycle(tasks);
  if (cycle) problems.push({ path: `${path}.tasks`, message: `cycle: ${cycle.join(' -> ')}` });
  checkParamRefs(spec.results, `${path}.results`, context.params, problems);
  return problems;
}

/** Declared params without a default must be given; declared workspaces must be bound. */
function checkRunBindings(
  declaredParams: readonly TektonParamSpec[],
  declaredWorkspaces: readonly { name: string; optional?: boolean }[],
  spec: RunSpec,
  problems: Problem[],
): void {
  const given = new Set((spec.params ?? []).map((param) => param.name));
  for (const param of declaredParams)
    if (param.default === undefined && !given.has(param.name))
      problems.push({ path: 'spec.params', message: `param "${param.name}" has no value` });
  const bound = new Set((spec.workspaces ?? []).map((binding) => binding.name));
  for (const workspace of declaredWorkspaces)
    if (!workspace.optional && !bound.has(workspace.name))
      problems.push({
        path: 'spec.workspaces',
        message: `workspace "${workspace.name}" is not bound`,
      });
}

function validateRun(object: TektonObject, spec: RunSpec, lookup?: TaskLookup): Problem[] {
  const problems: Problem[] = [];
  const pipeline = object.kind === 'PipelineRun';
  const [ref, embedded] = pipeline
    ? [spec.pipelineRef, spec.pipelineSpec]
    : [spec.taskRef, spec.taskSpec];
  const noun = pipeline ? 'pipeline' : 'task';
  if (Boolean(ref) === Boolean(embedded))
    problems.push({ path: 'spec', message: `exactly one of ${noun}Ref and ${noun}Spec` });
  const timeouts = pipeline ? Object.entries(spec.timeouts ?? {}) : [['', spec.timeout]];
  for (const [key, value] of timeouts)
    checkDuration(value, pipeline ? `spec.timeouts.${key ?? ''}` : 'spec.timeout', problems);
  if (spec.pipelineSpec && pipeline)
    problems.push(...validatePipelineSpec(spec.pipelineSpec, 'spec.pipelineSpec', lookup));
  if (spec.taskSpec && !pipeline)
    problems.push(...validateTaskSpec(spec.taskSpec, 'spec.taskSpec'));
  const declared = pipeline ? spec.pipelineSpec : spec.taskSpec;
  if (declared) checkRunBindings(declared.params ?? [], declared.workspaces ?? [], spec, problems);
  return problems;
}

/** Validates one tekton.dev/v1 object of any of the four kinds. */
export function validateTektonObject(object: TektonObject, lookup?: TaskLookup): Problem[] {
  const problems: Problem[] = [];
  const name = object.metadata?.name ?? object.metadata?.generateName?.replace(/-$/, '');
  if (!name || !SUBDOMAIN_RE.test(name) || name.length > 253)
    problems.push({ path: 'metadata.name', message: `"${name ?? ''}" is not a DNS-1123 name` });
  const spec = object.spec ?? {};
  switch (object.kind) {
    case 'Task':
      return [...problems, ...validateTaskSpec(spec, 'spec')];
    case 'Pipeline':
      return [...problems, ...validatePipelineSpec(spec, 'spec', lookup)];
    case 'PipelineRun':
    case 'TaskRun':
      return [...problems, ...validateRun(object, spec, lookup)];
    default:
      return [
        ...problems,
        { path: 'kind', message: `"${object.kind ?? ''}" is not a Tekton kind` },
      ];
  }
}
