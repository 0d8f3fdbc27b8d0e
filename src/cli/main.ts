/** `kubernaut <command>`: dispatches to the subcommands, each a small module. */
import { runRender } from './render-command.ts';
import { runValidate } from './validate-command.ts';
import { runPipelineRun } from './pipelinerun-command.ts';
import { runVerifyImage } from './verify-image-command.ts';
import { runContract } from './contract-command.ts';
import type { CommandIo } from './command-io.ts';

const USAGE = `Usage: kubernaut <command> [options]

Commands:
  validate <file...|->   Check WorkflowExecution and RemediationTemplate YAML or JSON offline.
  verify-image <image@sha256:...> [--policy f | --key pem | --certificate-identity x
                         --certificate-oidc-issuer y --trusted-root f]
                         Verify an image's Cosign signature as the dispatcher will; JSON out.
  contract <image@sha256:...> [--insecure-registry h:p] [--docker-config f] [-o json]
                         Print an action image's /action-contract.yaml, read from the registry.
  render <template.yaml...> --alert <payload.json>
                         Per alert of an Alertmanager webhook payload: the template match and
                         the WorkflowExecution that would be created, offline.
  pipelinerun <file|-> [--skip-verify]
                         Print the Tekton PipelineRun the V2 backend would create for a
                         WorkflowExecution (--skip-verify: offline, no image checks).
  help                   Show this help.
`;

export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'validate':
      return runValidate(rest, io);
    case 'pipelinerun':
      return runPipelineRun(rest, io);
    case 'render':
      return runRender(rest, io);
    case 'verify-image':
      return runVerifyImage(rest, io);
    case 'contract':
      return runContract(rest, io);
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
