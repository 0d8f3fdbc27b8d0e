/**
 * The subset of Tekton Pipelines v1 (tekton.dev/v1) the V2 backend writes and reads. Field
 * names follow tektoncd/pipeline's Go types (pkg/apis/pipeline/v1).
 */
import type { V1EnvVar, V1ObjectMeta } from '@kubernetes/client-node';

export const TEKTON_GROUP = 'tekton.dev';
export const TEKTON_VERSION = 'v1';
export const TEKTON_API_VERSION = `${TEKTON_GROUP}/${TEKTON_VERSION}`;

export type ParamValue = string | string[] | Record<string, string>;

export interface TektonParam {
  name: string;
  value: ParamValue;
}

export interface TektonParamSpec {
  name: string;
  type?: 'string' | 'array' | 'object';
  default?: ParamValue;
  description?: string;
}

export interface TektonWorkspaceDeclaration {
  name: string;
  optional?: boolean;
  mountPath?: string;
  readOnly?: boolean;
  description?: string;
}

export interface TektonStep {
  name?: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: V1EnvVar[];
  script?: string;
  workingDir?: string;
  securityContext?: Record<string, unknown>;
}

export interface TektonTaskSpec {
  description?: string;
  params?: TektonParamSpec[];
  workspaces?: TektonWorkspaceDeclaration[];
  results?: { name: string; type?: string; description?: string }[];
  steps?: TektonStep[];
}

export interface TektonPipelineTask {
  name: string;
  taskRef?: { name?: string; kind?: string };
  taskSpec?: TektonTaskSpec;
  params?: TektonParam[];
  runAfter?: string[];
  retries?: number;
  timeout?: string;
  workspaces?: { name: string; workspace?: string; subPath?: string }[];
  when?: { input: string; operator: string; values: string[] }[];
}

export interface TektonPipelineSpec {
  description?: string;
  params?: TektonParamSpec[];
  workspaces?: TektonWorkspaceDeclaration[];
  tasks?: TektonPipelineTask[];
  finally?: TektonPipelineTask[];
  results?: { name: string; value: ParamValue; description?: string }[];
}

export interface TektonCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface TektonWorkspaceBinding {
  name: string;
  volumeClaimTemplate?: {
    metadata?: V1ObjectMeta;
    spec: {
      accessModes: string[];
      resources: { requests: Record<string, string> };
      storageClassName?: string;
    };
  };
  persistentVolumeClaim?: { claimName: string };
  emptyDir?: Record<string, unknown>;
}

export interface PipelineRun {
  apiVersion: string;
  kind: 'PipelineRun';
  metadata: V1ObjectMeta;
  spec: {
    pipelineRef?: { name: string };
    pipelineSpec?: TektonPipelineSpec;
    params?: TektonParam[];
    workspaces?: TektonWorkspaceBinding[];
    timeouts?: { pipeline?: string; tasks?: string; finally?: string };
    taskRunTemplate?: { serviceAccountName?: string };
    taskRunSpecs?: { pipelineTaskName: string; serviceAccountName?: string }[];
    status?: 'Cancelled' | 'CancelledRunFinally' | 'StoppedRunFinally' | 'PipelineRunPending';
  };
  status?: {
    conditions?: TektonCondition[];
    startTime?: string;
    completionTime?: string;
    childReferences?: {
      apiVersion?: string;
      kind?: string;
      name: string;
      pipelineTaskName: string;
    }[];
    skippedTasks?: { name: string; reason: string }[];
  };
}

export interface TaskRunAttemptStatus {
  conditions?: TektonCondition[];
  startTime?: string;
  completionTime?: string;
  podName?: string;
  results?: { name: string; type?: string; value: ParamValue }[];
}

export interface TaskRun {
  apiVersion?: string;
  kind?: 'TaskRun';
  metadata?: V1ObjectMeta;
  spec?: { retries?: number; timeout?: string; status?: string };
  status?: TaskRunAttemptStatus & { retriesStatus?: TaskRunAttemptStatus[] };
}

/** Tekton's `Succeeded` condition of a run (knative ConditionSucceeded). */
export function succeededCondition(
  status: { conditions?: TektonCondition[] } | undefined,
): TektonCondition | undefined {
  return status?.conditions?.find((condition) => condition.type === 'Succeeded');
}
