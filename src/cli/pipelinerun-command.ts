/**
 * `kubernaut pipelinerun <workflowexecution.yaml|-> [--skip-verify]`: prints, as YAML, the
 * PipelineRun the Tekton backend would create for a WorkflowExecution, for review and for
 * `kubectl apply --dry-run=server`. Every step passes the same pre-flight as in the
 * dispatcher (the image policy of KUBERNAUT_IMAGE_POLICY, else a digest pin) unless
 * --skip-verify, which builds offline.
 */
import { readFile } from 'node:fs/promises';
import { pino } from 'pino';
import { parse, stringify } from 'yaml';
import type { StepStartCheck } from '../backends/jobs/step-start-check.ts';
import { buildPipelineRun } from '../backends/tekton/build-pipeline-run.ts';
import { preflightSteps } from '../backends/tekton/preflight.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../observability/logger.ts';
import { buildStepStartCheck, supplyChainConfigOf } from '../supplychain/build-step-start-check.ts';
import { validateWorkflowExecution } from '../workflow/validate-workflow-execution.ts';
import { readAll, type CommandIo } from './command-io.ts';

const USAGE = 'Usage: kubernaut pipelinerun <workflowexecution.yaml|-> [--skip-verify]\n';

/** The check the dispatcher would run, from the same environment variables. */
async function configuredCheck(): Promise<{ check: StepStartCheck; close(): Promise<void> }> {
  const config = loadConfig(process.env);
  return buildStepStartCheck(
    supplyChainConfigOf(config),
    // Logs go to stderr: stdout is the PipelineRun, for a pipe into kubectl.
    createLogger('warn', pino.destination(2)),
  );
}

export async function runPipelineRun(
  args: readonly string[],
  io: CommandIo,
  checkFactory: () => Promise<{ check: StepStartCheck; close(): Promise<void> }> = configuredCheck,
): Promise<number> {
  const skipVerify = args.includes('--skip-verify');
  const files = args.filter((arg) => arg !== '--skip-verify');
  const [file] = files;
  if (files.length !== 1 || file === undefined) {
    io.stderr.write(USAGE);
    return 2;
  }
  let document: unknown;
  try {
    document = parse(file === '-' ? await readAll(io.stdin) : await readFile(file, 'utf8'));
  } catch (error) {
    io.stderr.write(`${file}: cannot read: ${(error as Error).message}\n`);
    return 1;
  }
  const validated = validateWorkflowExecution(document);
  if (!validated.ok) {
    for (const problem of validated.problems)
      io.stderr.write(`${file}: ${problem.path || '(document)'}: ${problem.message}\n`);
    return 1;
  }
  const run = validated.value;
  let verified;
  if (!skipVerify) {
    const parts = await checkFactory();
    try {
      const result = await preflightSteps(run, parts.check);
      if (!result.ok) {
        io.stderr.write(`${file}: step ${result.step}: ${result.reason}: ${result.message}\n`);
        return 1;
      }
      verified = result.verified;
    } finally {
      await parts.close();
    }
  }
  const pipelineRun = buildPipelineRun(run, {
    workspace: { size: process.env.KUBERNAUT_WORKSPACE_SIZE ?? '1Gi' },
    serviceAccountName: process.env.KUBERNAUT_ACTION_SERVICE_ACCOUNT ?? 'kubernaut-action',
    ...(verified ? { verified } : {}),
  });
  // A file has no uid yet: without one an owner reference would be rejected by the server.
  if (!run.metadata.uid) delete pipelineRun.metadata.ownerReferences;
  io.stdout.write(stringify(pipelineRun, { aliasDuplicateObjects: false }));
  return 0;
}
