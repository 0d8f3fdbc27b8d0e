/**
 * The pure TaskRun → Pod translation: params (defaults overridden by the TaskRun's), result
 * paths, workspace paths and context substituted into the steps; one container per step;
 * the results directory and the workspaces mounted; restartPolicy Never, as Tekton builds
 * its pods (pkg/pod/pod.go), with the step commands wrapped by the simulated entrypoint.
 */
import type { V1Pod, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import type { LocalImage } from '../cluster/image-catalog.ts';
import { controllerReference } from '../cluster/owned-by.ts';
import { childName } from './child-names.ts';
import { collectParams, missingParams } from './pipeline-variables.ts';
import { stepContainer, type StepInput } from './step-command.ts';
import { substitute, substituteList } from './substitution.ts';
import type { Step, TaskRun, TaskSpec } from './types.ts';
import { TEKTON_API_VERSION } from './types.ts';
import { volumeOf } from './workspaces.ts';

export const RESULTS_DIR = '/tekton/results';

/** Tekton's step container name: `step-<name>`, `step-unnamed-<index>` without a name. */
export function stepContainerName(step: Step, index: number): string {
  return `step-${step.name ?? `unnamed-${String(index)}`}`;
}

/** The pod of an attempt: `<taskrun>-pod`, then `<taskrun>-pod-retry<n>` for each retry. */
export function podNameOf(taskRun: TaskRun): string {
  const retries = taskRun.status?.retriesStatus?.length ?? 0;
  return childName(
    taskRun.metadata?.name ?? '',
    retries === 0 ? '-pod' : `-pod-retry${String(retries)}`,
  );
}

/** Tekton's TaskRunValidationFailed message, or undefined when the TaskRun can run. */
export function validateTaskRun(taskRun: TaskRun, spec: TaskSpec): string | undefined {
  const steps = spec.steps ?? [];
  if (steps.length === 0) return 'expected at least one, got none: spec.steps';
  for (const [index, step] of steps.entries()) {
    if (!step.image) return `missing field(s): spec.steps[${String(index)}].image`;
    if (step.script !== undefined && step.command)
      return `script cannot be used with command: spec.steps[${String(index)}].script`;
  }
  const missing = missingParams(spec.params ?? [], taskRun.spec?.params ?? []);
  if (missing.length > 0)
    return `invalid input params for task ${taskRun.metadata?.name ?? ''}: missing values for these params which have no default values: [${missing.join(' ')}]`;
  const bound = new Set((taskRun.spec?.workspaces ?? []).map((binding) => binding.name));
  const unbound = (spec.workspaces ?? [])
    .filter((workspace) => !workspace.optional && !bound.has(workspace.name))
    .map((workspace) => workspace.name);
  if (unbound.length > 0)
    return `bound workspaces did not match declared workspaces: didn't provide required values: [${unbound.join(' ')}]`;
  return undefined;
}

export interface TaskVariables {
  strings: Map<string, string>;
  arrays: Map<string, string[]>;
}

export function taskRunVariables(taskRun: TaskRun, spec: TaskSpec): TaskVariables {
  // Params given but not declared still substitute: Tekton propagates them into embedded specs.
  const { strings, arrays } = collectParams(spec.params ?? [], taskRun.spec?.params ?? []);
  for (const result of spec.results ?? [])
    strings.set(`results.${result.name}.path`, `${RESULTS_DIR}/${result.name}`);
  for (const [key, value] of workspaceVariables(taskRun, spec)) strings.set(key, value);
  const name = taskRun.metadata?.name ?? '';
  strings.set('context.taskRun.name', name);
  strings.set('context.taskRun.namespace', taskRun.metadata?.namespace ?? 'default');
  strings.set('context.taskRun.uid', taskRun.metadata?.uid ?? '');
  strings.set('context.task.name', taskRun.spec?.taskRef?.name ?? name);
  strings.set('context.task.retry-count', String(taskRun.status?.retriesStatus?.length ?? 0));
  return { strings, arrays };
}

function workspaceVariables(taskRun: TaskRun, spec: TaskSpec): [string, string][] {
  const bindings = taskRun.spec?.workspaces ?? [];
  return (spec.workspaces ?? []).flatMap((workspace): [string, string][] => {
    const binding = bindings.find((candidate) => candidate.name === workspace.name);
    const prefix = `workspaces.${workspace.name}`;
    return [
      [`${prefix}.path`, workspace.mountPath ?? `/workspace/${workspace.name}`],
      [`${prefix}.bound`, String(binding !== undefined)],
      [`${prefix}.claim`, binding?.persistentVolumeClaim?.claimName ?? ''],
      [`${prefix}.volume`, `ws-${workspace.name}`],
    ];
  });
}

/** The results emptyDir and the bound workspaces, with the mounts every step gets. */
function volumesOf(
  taskRun: TaskRun,
  spec: TaskSpec,
): { volumes: V1Volume[]; mounts: V1VolumeMount[] } {
  const volumes: V1Volume[] = [{ name: 'tekton-internal-results', emptyDir: {} }];
  const mounts: V1VolumeMount[] = [{ name: 'tekton-internal-results', mountPath: RESULTS_DIR }];
  for (const binding of taskRun.spec?.workspaces ?? []) {
    const declared = spec.workspaces?.find((workspace) => workspace.name === binding.name);
    const volume = volumeOf(binding, taskRun.metadata?.uid ?? '');
    if (!declared || !volume) continue;
    volumes.push(volume);
    mounts.push({
      name: volume.name,
      mountPath: declared.mountPath ?? `/workspace/${declared.name}`,
      ...(binding.subPath ? { subPath: binding.subPath } : {}),
      ...(declared.readOnly ? { readOnly: true } : {}),
    });
  }
  return { volumes, mounts };
}

/** Tekton's MergeStepsWithStepTemplate: the step's fields win; env merges by name. */
export function withStepTemplate(template: TaskSpec['stepTemplate'], step: Step): Step {
  if (!template) return step;
  const env = [
    ...(template.env ?? []).filter(
      (variable) => !step.env?.some((own) => own.name === variable.name),
    ),
    ...(step.env ?? []),
  ];
  return { ...template, ...step, ...(env.length > 0 ? { env } : {}) };
}

function substituteStep(step: Step, index: number, variables: TaskVariables): StepInput {
  const { strings, arrays } = variables;
  const env = step.env?.map((variable) =>
    variable.value === undefined
      ? variable
      : { ...variable, value: substitute(variable.value, strings) },
  );
  return {
    name: stepContainerName(step, index),
    index,
    image: substitute(step.image ?? '', strings),
    ...(step.command ? { command: substituteList(step.command, strings, arrays) } : {}),
    ...(step.args ? { args: substituteList(step.args, strings, arrays) } : {}),
    ...(env ? { env } : {}),
    ...(step.workingDir ? { workingDir: substitute(step.workingDir, strings) } : {}),
    ...(step.script === undefined ? {} : { script: substitute(step.script, strings) }),
    ...(step.onError ? { onError: step.onError } : {}),
  };
}

export function buildTaskRunPod(
  taskRun: TaskRun,
  spec: TaskSpec,
  resolveImage: (image: string) => LocalImage | undefined,
): V1Pod {
  const name = taskRun.metadata?.name ?? '';
  const variables = taskRunVariables(taskRun, spec);
  const { volumes, mounts } = volumesOf(taskRun, spec);
  const results = (spec.results ?? []).map((result) => result.name);
  const containers = (spec.steps ?? []).map((step, index) => {
    const input = substituteStep(withStepTemplate(spec.stepTemplate, step), index, variables);
    return stepContainer(input, resolveImage(input.image), mounts, results);
  });
  const serviceAccountName = taskRun.spec?.serviceAccountName;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: podNameOf(taskRun),
      namespace: taskRun.metadata?.namespace ?? 'default',
      labels: {
        ...taskRun.metadata?.labels,
        'app.kubernetes.io/managed-by': 'tekton-pipelines',
        'tekton.dev/taskRun': name,
        'tekton.dev/taskRunUID': taskRun.metadata?.uid ?? '',
        ...(taskRun.spec?.taskRef?.name ? { 'tekton.dev/task': taskRun.spec.taskRef.name } : {}),
      },
      annotations: { ...taskRun.metadata?.annotations },
      ownerReferences: [
        controllerReference({
          apiVersion: TEKTON_API_VERSION,
          kind: 'TaskRun',
          metadata: taskRun.metadata,
        }),
      ],
    },
    spec: {
      restartPolicy: 'Never',
      ...(serviceAccountName ? { serviceAccountName } : {}),
      containers,
      volumes,
    },
  };
}
