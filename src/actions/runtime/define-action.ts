/**
 * What an action module is: one function from validated inputs to JSON outputs. The runtime
 * does everything else (inputs, validation, client, logs, outputs, exit codes), so a catalog
 * entry is its contract plus this function:
 *
 *   export default defineAction<{ namespace: string; deployment: string }>(async ({ inputs, api }) => {
 *     ...
 *     return { replicas: 3 };
 *   });
 */
import type { ApiConstructor, ApiType, KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { ActionContract } from '../../api/action-contract.ts';

export type ActionOutputs = Record<string, unknown>;

export interface ActionContext<Inputs> {
  /** The inputs after contract validation, with defaults applied. */
  inputs: Inputs;
  contract: ActionContract;
  /** Structured JSON logs on standard error (standard output is for the outputs). */
  log: Logger;
  /** The cluster, from the pod's service account (or KUBECONFIG); loaded on first use. */
  kubeConfig: () => KubeConfig;
  /** A typed API client of the cluster, e.g. `api(AppsV1Api)`. */
  api: <T extends ApiType>(type: ApiConstructor<T>) => T;
  /** The host path of a path inside the container (/workspace/..., /tekton/...). */
  path: (containerPath: string) => string;
  /** Aborted when the pod is asked to stop (SIGTERM): wind down and throw. */
  signal: AbortSignal;
  env: Readonly<Record<string, string | undefined>>;
  now: () => Date;
}

export type ActionFunction<Inputs = Record<string, unknown>> = (
  context: ActionContext<Inputs>,
) => Promise<ActionOutputs>;

/**
 * Types an action's run function. `Inputs` describes what the contract guarantees after
 * validation: required inputs and inputs with defaults are present, the others optional.
 */
export function defineAction<Inputs>(run: ActionFunction<Inputs>): ActionFunction<Inputs> {
  return run;
}
