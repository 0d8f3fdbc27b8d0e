/**
 * Validation of a workflow's steps beyond their shape: every problem at once, each with a
 * field path and a sentence, so a user can fix a workflow in one pass. Pure; never throws.
 */
import { DNS1123_LABEL_MAX, DNS1123_LABEL_PATTERN } from '../api/primitives.ts';
import type { WorkflowStep } from '../api/workflow-step.ts';
import { StepGraph } from './dag.ts';
import { findOutputReferences } from './output-references.ts';
import { fieldPath, type Problem } from './problems.ts';

export const MAX_STEPS = 100;
const DNS_LABEL_RE = new RegExp(DNS1123_LABEL_PATTERN);
/** A repository reference pinned by a full sha256 digest; a tag may ride along (repo:tag@sha256:...). */
export const PINNED_IMAGE_RE = /^[^\s@]+@sha256:[a-f0-9]{64}$/;

type StepShape = Pick<WorkflowStep, 'name' | 'image' | 'inputs' | 'runAfter' | 'usesWorkspace'>;

export function validateSteps(steps: readonly StepShape[], base = 'spec.steps'): Problem[] {
  if (steps.length === 0) return [{ path: base, message: 'a workflow needs at least one step' }];
  const problems: Problem[] = [];
  if (steps.length > MAX_STEPS) {
    problems.push({
      path: base,
      message: `has ${steps.length} steps; at most ${MAX_STEPS} are allowed`,
    });
  }
  problems.push(...checkEachStep(steps, base));
  const graph = new StepGraph(steps);
  const cycle = graph.findCycle();
  if (cycle) {
    problems.push({
      path: base,
      message: `runAfter forms a cycle: ${cycle.join(' -> ')} (each step waits for the next)`,
    });
    return problems;
  }
  problems.push(...checkOutputReferences(steps, graph, base));
  problems.push(...checkWorkspaceSharing(steps, graph, base));
  return problems;
}

function checkEachStep(steps: readonly StepShape[], base: string): Problem[] {
  const problems: Problem[] = [];
  const firstByName = new Map<string, number>();
  steps.forEach((step, position) => {
    const path = (...rest: (string | number)[]): string => fieldPath(base, position, ...rest);
    if (step.name.length > DNS1123_LABEL_MAX || !DNS_LABEL_RE.test(step.name)) {
      problems.push({
        path: path('name'),
        message: `"${step.name}" is not a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit, at most ${DNS1123_LABEL_MAX} characters)`,
      });
    }
    const first = firstByName.get(step.name);
    if (first === undefined) firstByName.set(step.name, position);
    else {
      problems.push({
        path: path('name'),
        message: `duplicates the name "${step.name}" of ${fieldPath(base, first)}`,
      });
    }
    if (!PINNED_IMAGE_RE.test(step.image)) {
      problems.push({
        path: path('image'),
        message: `"${step.image}" is not pinned by digest: write it as <repository>@sha256:<64 hex digits>, so that what was verified is what runs`,
      });
    }
  });
  steps.forEach((step, position) => {
    step.runAfter.forEach((dependency, index) => {
      const path = fieldPath(base, position, 'runAfter', index);
      if (dependency === step.name) {
        problems.push({ path, message: 'a step cannot run after itself' });
      } else if (!firstByName.has(dependency)) {
        problems.push({ path, message: `names no step of this workflow: "${dependency}"` });
      }
    });
  });
  return problems;
}

function checkOutputReferences(
  steps: readonly StepShape[],
  graph: StepGraph,
  base: string,
): Problem[] {
  const problems: Problem[] = [];
  steps.forEach((step, position) => {
    const found = findOutputReferences(step.inputs);
    if (found.length === 0) return;
    const ancestors = graph.ancestors(position);
    for (const { path, reference } of found) {
      const source = graph.index.get(reference.step);
      let message: string | undefined;
      if (source === undefined) message = `${reference.text} names no step of this workflow`;
      else if (source === position) message = `${reference.text} refers to the step's own outputs`;
      else if (!ancestors.has(source)) {
        message = `${reference.text} refers to step "${reference.step}", which is not guaranteed to finish first: add it to runAfter (directly or through another step)`;
      }
      if (message) problems.push({ path: fieldPath(base, position, 'inputs', ...path), message });
    }
  });
  return problems;
}

/**
 * The workspace is one ReadWriteOnce volume: two steps that use it must never run at once,
 * so in execution order each workspace step must have the previous one as an ancestor.
 */
function checkWorkspaceSharing(
  steps: readonly StepShape[],
  graph: StepGraph,
  base: string,
): Problem[] {
  const order = graph.topologicalOrder() ?? [];
  const users = order.filter((position) => steps[position]?.usesWorkspace);
  const problems: Problem[] = [];
  for (let index = 1; index < users.length; index++) {
    const previous = users[index - 1] ?? 0;
    const current = users[index] ?? 0;
    if (!graph.ancestors(current).has(previous)) {
      problems.push({
        path: fieldPath(base, current, 'usesWorkspace'),
        message: `step "${steps[current]?.name ?? ''}" may run at the same time as step "${steps[previous]?.name ?? ''}", which also uses the workspace; a ReadWriteOnce volume cannot be shared by pods on different nodes, so make one run after the other`,
      });
    }
  }
  return problems;
}
