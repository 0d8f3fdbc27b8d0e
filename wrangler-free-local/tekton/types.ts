/**
 * The subset of Tekton Pipelines v1 (tekton.dev/v1) that the simulated controller reads and
 * writes. Field names follow the Go types of tektoncd/pipeline (pkg/apis/pipeline/v1).
 */
import type {
  V1ContainerStateTerminated,
  V1EnvVar,
  V1ObjectMeta,
  V1PersistentVolumeClaimTemplate,
  V1ResourceRequirements,
} from '@kubernetes/client-node';

export const TEKTON_GROUP = 'tekton.dev';
export const TEKTON_VERSION = 'v1';
export const TEKTON_API_VERSION = `${TEKTON_GROUP}/${TEKTON_VERSION}`;

export interface Param {
  name: string;
  value: string | string[] | Record<string, string>;
}

export interface ParamSpec {
  name: string;
  type?: 'string' | 'array' | 'object';
  description?: string;
  default?: string | string[] | Record<string, string>;
}

export interface Step {
  name?: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: V1EnvVar[];
  workingDir?: string;
  script?: string;
  computeResources?: V1ResourceRequirements;
  timeout?: string;
  onError?: 'continue' | 'stopAndFail';
}

export interface WorkspaceDeclaration {
  name: string;
  mountPath?: string;
  readOnly?: boolean;
  optional?: boolean;
}

export interface TaskResult {
  name: string;
  type?: string;
  description?: string;
}

export interface TaskSpec {
  params?: ParamSpec[];
  steps?: Step[];
  /** Defaults for every step: a step's own fields win, env merges by name. */
  stepTemplate?: Omit<Step, 'name' | 'script'>;
  results?: TaskResult[];
  workspaces?: WorkspaceDeclaration[];
}

export interface WorkspacePipelineTaskBinding {
  name: string;
  workspace?: string;
  subPath?: string;
}

export interface WhenExpression {
  input: string;
  operator: 'in' | 'notin';
  values: string[];
}

export interface PipelineTask {
  name: string;
  when?: WhenExpression[];
  taskRef?: { name?: string; kind?: string };
  taskSpec?: TaskSpec & { metadata?: { labels?: Record<string, string> } };
  params?: Param[];
  runAfter?: string[];
  retries?: number;
  timeout?: string;
  workspaces?: WorkspacePipelineTaskBinding[];
}

export interface PipelineResult {
  name: string;
  value: string;
  type?: string;
  description?: string;
}

export interface PipelineSpec {
  params?: ParamSpec[];
  tasks?: PipelineTask[];
  finally?: PipelineTask[];
  results?: PipelineResult[];
  workspaces?: WorkspaceDeclaration[];
}

/** A workspace binding of a run: one of the volume sources. */
export interface WorkspaceBinding {
  name: string;
  subPath?: string;
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  volumeClaimTemplate?: V1PersistentVolumeClaimTemplate & { metadata?: V1ObjectMeta };
  emptyDir?: Record<string, unknown>;
  configMap?: { name: string };
  secret?: { secretName: string };
}

export interface Timeouts {
  pipeline?: string;
  tasks?: string;
  finally?: string;
}

/** A knative condition, as Tekton writes it (times as RFC 3339 strings). */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface RunStatusCommon {
  conditions?: Condition[];
  startTime?: string;
  completionTime?: string;
  observedGeneration?: number;
}

export interface ChildReference {
  apiVersion: string;
  kind: 'TaskRun';
  name: string;
  pipelineTaskName: string;
}

export interface SkippedTask {
  name: string;
  reason: string;
  whenExpressions?: WhenExpression[];
}

export interface PipelineRunStatus extends RunStatusCommon {
  pipelineSpec?: PipelineSpec;
  childReferences?: ChildReference[];
  results?: { name: string; value: string }[];
  skippedTasks?: SkippedTask[];
  finallyStartTime?: string;
}

export interface PipelineRun {
  apiVersion?: string;
  kind?: string;
  metadata?: V1ObjectMeta;
  spec?: {
    pipelineRef?: { name?: string };
    pipelineSpec?: PipelineSpec;
    params?: Param[];
    workspaces?: WorkspaceBinding[];
    timeouts?: Timeouts;
    status?: 'Cancelled' | 'CancelledRunFinally' | 'StoppedRunFinally' | 'PipelineRunPending';
    taskRunTemplate?: { serviceAccountName?: string };
  };
  status?: PipelineRunStatus;
}

export interface StepState {
  name: string;
  container: string;
  imageID?: string;
  terminated?: V1ContainerStateTerminated;
  running?: { startedAt?: string };
  waiting?: { reason?: string; message?: string };
  terminationReason?: string;
}

export interface TaskRunResult {
  name: string;
  type: 'string';
  value: string;
}

export interface TaskRunStatus extends RunStatusCommon {
  podName?: string;
  steps?: StepState[];
  results?: TaskRunResult[];
  retriesStatus?: TaskRunStatus[];
  taskSpec?: TaskSpec;
}

export interface TaskRun {
  apiVersion?: string;
  kind?: string;
  metadata?: V1ObjectMeta;
  spec?: {
    taskRef?: { name?: string; kind?: string };
    taskSpec?: TaskSpec;
    params?: Param[];
    workspaces?: WorkspaceBinding[];
    timeout?: string;
    retries?: number;
    status?: 'TaskRunCancelled';
    statusMessage?: string;
    serviceAccountName?: string;
  };
  status?: TaskRunStatus;
}

export interface Task {
  apiVersion?: string;
  kind?: string;
  metadata?: V1ObjectMeta;
  spec?: TaskSpec;
}

export interface Pipeline {
  apiVersion?: string;
  kind?: string;
  metadata?: V1ObjectMeta;
  spec?: PipelineSpec;
}
