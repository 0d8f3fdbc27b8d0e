/** `kubernaut <command>`: dispatches to the subcommands, each a small module. */
import { runValidate } from './validate-command.ts';
import type { CommandIo } from './command-io.ts';

const USAGE = `Usage: kubernaut <command> [options]

Commands:
  validate <file...|->   Check WorkflowExecution and RemediationTemplate YAML or JSON offline.
  help                   Show this help.
`;

export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'validate':
      return runValidate(rest, io);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      io.stderr.write(`kubernaut: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}
