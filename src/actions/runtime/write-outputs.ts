/**
 * Where an action's outputs go, so that the engine finds them on either backend:
 * - the last line of standard output, as one JSON object (the contract; V1 reads the log
 *   when it has nothing better);
 * - V1: the termination message (/dev/termination-log), which the Job's pod status carries
 *   and the engine reads without fetching the log — only when it fits Kubernetes' 4096 bytes;
 * - V2: /tekton/results/outputs, when that directory exists; Tekton's entrypoint then owns
 *   the termination message, so it is left alone.
 * Paths are under the container root (KUBERNAUT_ROOT locally, / in a real container).
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const TERMINATION_LOG = '/dev/termination-log';
export const TEKTON_RESULTS_DIR = '/tekton/results';
export const OUTPUTS_RESULT = 'outputs';
/** Kubernetes truncates termination messages at 4096 bytes. */
export const MAX_TERMINATION_MESSAGE_BYTES = 4096;

export interface OutputSinks {
  root: string;
  writeStdout: (text: string) => void;
}

export async function writeOutputs(
  outputs: Record<string, unknown>,
  sinks: OutputSinks,
): Promise<void> {
  const json = JSON.stringify(outputs);
  sinks.writeStdout(`${json}\n`);
  const resultsDir = join(sinks.root, TEKTON_RESULTS_DIR);
  if (existsSync(resultsDir)) {
    await writeFile(join(resultsDir, OUTPUTS_RESULT), json);
    return;
  }
  if (Buffer.byteLength(json) <= MAX_TERMINATION_MESSAGE_BYTES) {
    await writeTerminationMessage(sinks.root, json);
  }
}

/**
 * Writes the termination message when the container has one (a file the kubelet created):
 * the outputs on success, the reason on failure, so `kubectl describe` and the engine show it.
 */
export async function writeTerminationMessage(root: string, text: string): Promise<void> {
  const path = join(root, TERMINATION_LOG);
  if (!existsSync(path) || existsSync(join(root, TEKTON_RESULTS_DIR))) return;
  const bytes = Buffer.from(text).subarray(0, MAX_TERMINATION_MESSAGE_BYTES);
  await writeFile(path, bytes).catch(() => undefined);
}
