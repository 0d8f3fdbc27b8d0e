/**
 * The generic Task `kubernaut-action`: one source of truth, the manifest in
 * manifests/tekton/kubernaut-action-task.yaml, read once; the builder and the engine use the
 * names declared here, and a unit test checks they match the manifest.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { TektonTaskSpec } from './tekton-types.ts';

export const ACTION_TASK_NAME = 'kubernaut-action';
export const ACTION_TASK_PATH = join(
  import.meta.dirname,
  '../../../manifests/tekton/kubernaut-action-task.yaml',
);

/** The Task's params and its one workspace and result, by the names the PipelineRun binds. */
export const ACTION_TASK_PARAMS = {
  actionType: 'actionType',
  actionImage: 'actionImage',
  inputs: 'inputs',
  upstreamOutputs: 'upstreamOutputs',
  step: 'step',
  workflowExecution: 'workflowExecution',
} as const;
export const ACTION_TASK_WORKSPACE = 'workspace';
export const ACTION_TASK_RESULT = 'outputs';

export interface ActionTask {
  apiVersion: string;
  kind: 'Task';
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec: TektonTaskSpec;
}

let cached: ActionTask | undefined;

/** The Task as the manifest declares it, optionally placed in a namespace. */
export function loadActionTask(namespace?: string): ActionTask {
  cached ??= parse(readFileSync(ACTION_TASK_PATH, 'utf8')) as ActionTask;
  const task = structuredClone(cached);
  if (namespace) task.metadata.namespace = namespace;
  return task;
}
