/**
 * The action runtime: reads and validates the inputs, runs the action, writes its outputs,
 * and answers with the exit code of the contract — 0 done, 1 the action failed, 2 bad input.
 * Nothing here exits the process, so tests drive it directly.
 */
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ActionContract } from '../../api/action-contract.ts';
import { ActionError, EXIT_OK, exitCodeOf } from './action-error.ts';
import { createActionLogger, maskSecretInputs } from './action-logger.ts';
import type { ActionContext, ActionFunction } from './define-action.ts';
import { resolveInputReferences } from '../../workflow/resolve-action-inputs.ts';
import { readInputs } from './read-inputs.ts';
import { validateInputs } from './validate-inputs.ts';
import { validateOutputs } from './validate-outputs.ts';
import { writeOutputs, writeTerminationMessage } from './write-outputs.ts';

export interface ExecuteOptions {
  contract: ActionContract;
  /**
   * The action's run function, loaded only once the inputs are valid: bad inputs are
   * answered before the Kubernetes client library is even imported.
   */
  loadRun: () => Promise<ActionFunction<never>>;
  env: Record<string, string | undefined>;
  stdin?: (Readable & { isTTY?: boolean }) | undefined;
  writeStdout: (text: string) => void;
  writeStderr: (text: string) => void;
  signal?: AbortSignal | undefined;
  now?: () => Date;
}

export async function executeAction(options: ExecuteOptions): Promise<number> {
  const { contract, env } = options;
  const root = env.KUBERNAUT_ROOT ?? '';
  const log = createActionLogger(
    contract.metadata.name,
    env.LOG_LEVEL ?? 'info',
    options.writeStderr,
  );
  try {
    const inputs = await readValidInputs(contract, options);
    log.info({ inputs: maskSecretInputs(inputs) }, 'action started');
    const [loaded, { loadActionKubeConfig }] = await Promise.all([
      options.loadRun(),
      import('./kube-config.ts'),
    ]);
    // The contract guarantees the shape each action declares as its Inputs type.
    const run = loaded as ActionFunction;
    const loadKubeConfig = () => loadActionKubeConfig(env, root);
    const context = buildContext({ contract, inputs, options, log, root, loadKubeConfig });
    const outputs = await run(context);
    const problems = validateOutputs(contract, outputs);
    if (problems.length > 0) throw new ActionError('Failed', problems.join('; '));
    await writeOutputs(outputs, { root, writeStdout: options.writeStdout });
    log.info({ outputs: maskSecretInputs(outputs) }, 'action succeeded');
    return EXIT_OK;
  } catch (error) {
    const code = error instanceof ActionError ? error.code : 'Failed';
    const message = error instanceof Error ? error.message : String(error);
    // An ActionError is an expected outcome: its message says it all; anything else is a bug.
    log.error(error instanceof ActionError ? { code } : { code, err: error }, message);
    await writeTerminationMessage(root, `${code}: ${message}`);
    return exitCodeOf(error);
  } finally {
    log.flush();
  }
}

async function readValidInputs(
  contract: ActionContract,
  options: ExecuteOptions,
): Promise<Record<string, unknown>> {
  const read = await readInputs({ env: options.env, stdin: options.stdin });
  // On the Tekton backend, `$(steps.X.outputs.Y)` references arrive unresolved with the
  // upstream steps' outputs beside them; resolved here by the same resolver V1 uses.
  const resolved = resolveInputReferences(read, options.env.KUBERNAUT_UPSTREAM_OUTPUTS);
  if (!resolved.ok) {
    throw new ActionError(
      resolved.reason === 'InvalidInputs' ? 'InvalidInput' : 'NotFound',
      resolved.message,
    );
  }
  const check = validateInputs(contract, resolved.inputs);
  if (!check.ok) throw new ActionError('InvalidInput', check.problems.join('; '));
  return check.inputs;
}

function buildContext(parts: {
  contract: ActionContract;
  inputs: Record<string, unknown>;
  options: ExecuteOptions;
  log: ActionContext<unknown>['log'];
  root: string;
  loadKubeConfig: () => KubeConfig;
}): ActionContext<Record<string, unknown>> {
  const { contract, inputs, options, log, root } = parts;
  let kc: KubeConfig | undefined;
  const kubeConfig = (): KubeConfig => (kc ??= parts.loadKubeConfig());
  return {
    inputs,
    contract,
    log,
    kubeConfig,
    api: (type) => kubeConfig().makeApiClient(type),
    path: (containerPath) => join(root === '' ? '/' : root, containerPath),
    signal: options.signal ?? new AbortController().signal,
    env: options.env,
    now: options.now ?? (() => new Date()),
  };
}
