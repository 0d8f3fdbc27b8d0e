/**
 * The entrypoint of every action image: `node src/actions/run-action.ts <group>/<name>`
 * (the image's /action-entrypoint). It loads the contract and module of the action from the
 * catalog and runs it through the runtime; the exit code is the contract's.
 */
import { EXIT_BAD_INPUT, EXIT_FAILED } from './runtime/action-error.ts';
import { executeAction } from './runtime/execute-action.ts';
import {
  actionDirectory,
  CatalogError,
  loadActionModule,
  loadContract,
} from './catalog/load-catalog.ts';

const type = process.argv[2] ?? process.env.KUBERNAUT_ACTION_TYPE ?? '';
try {
  const dir = actionDirectory(type);
  const contract = await loadContract(dir);
  if (contract.metadata.name !== type) {
    throw new CatalogError(
      'BadEntry',
      `${dir}: the contract names "${contract.metadata.name}", not "${type}"`,
    );
  }
  const stop = new AbortController();
  process.once('SIGTERM', () => {
    stop.abort(new Error('the pod is stopping (SIGTERM)'));
  });
  process.exitCode = await executeAction({
    contract,
    loadRun: () => loadActionModule(dir),
    env: process.env,
    stdin: process.stdin,
    writeStdout: (text) => process.stdout.write(text),
    writeStderr: (text) => process.stderr.write(text),
    signal: stop.signal,
  });
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${JSON.stringify({ level: 50, action: type, msg: message })}\n`);
  // An unknown type is a usage error, like bad inputs; a broken catalog entry is a failure.
  const unknownType = error instanceof CatalogError && error.code === 'UnknownType';
  process.exitCode = unknownType ? EXIT_BAD_INPUT : EXIT_FAILED;
}
