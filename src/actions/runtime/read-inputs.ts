/**
 * The dual input mode of the action contract: the inputs as a JSON object in ACTION_INPUTS
 * (V1 Jobs), else on standard input (V2 and by hand), else a clear error. Both carry JSON
 * only: inputs never pass through a shell (invariant 7).
 */
import type { Readable } from 'node:stream';
import { ActionError } from './action-error.ts';

export interface InputSources {
  env: Record<string, string | undefined>;
  /** Standard input; undefined or a terminal means there is nothing to read. */
  stdin?: (Readable & { isTTY?: boolean }) | undefined;
}

export async function readInputs(sources: InputSources): Promise<unknown> {
  const fromEnv = sources.env.ACTION_INPUTS;
  if (fromEnv !== undefined && fromEnv.trim() !== '') return parseJson(fromEnv, 'ACTION_INPUTS');
  const stdin = sources.stdin;
  const text = stdin && stdin.isTTY !== true ? await readAll(stdin) : '';
  if (text.trim() === '') {
    throw new ActionError(
      'InvalidInput',
      'no inputs: set ACTION_INPUTS to a JSON object or write one to standard input',
    );
  }
  return parseJson(text, 'standard input');
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ActionError('InvalidInput', `inputs from ${source} are not JSON: ${reason}`);
  }
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}
