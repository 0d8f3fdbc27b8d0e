/**
 * Runs one simulated container as a host process: its command line, its environment and
 * nothing of the host's but PATH, its output streamed to the pod log, and its end reported as
 * the kubelet reports a terminated container (exit code, reason, termination message).
 */
import type { SandboxStep } from './pod-sandbox.ts';
import type { ProcessLauncher } from './process-launcher.ts';

export interface ContainerRun {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  /** The sandbox to create first. */
  prepare: SandboxStep[];
  /** Host path of the container's terminationMessagePath. */
  terminationLogPath: string;
  fallbackToLogsOnError: boolean;
  onOutput: (text: string) => void;
}

export interface ContainerExit {
  exitCode: number;
  reason: 'Completed' | 'Error' | 'StartError';
  message?: string;
  startedAt: Date;
  finishedAt: Date;
}

export interface RunningContainer {
  done: Promise<ContainerExit>;
  /** SIGTERM now, SIGKILL after the grace period, as the kubelet stops a container. */
  stop(gracePeriodMs: number): void;
}

const MAX_MESSAGE_BYTES = 4096;
const FALLBACK_LINES = 80;
const FALLBACK_BYTES = 2048;

export function runContainer(run: ContainerRun, launcher: ProcessLauncher): RunningContainer {
  const startedAt = new Date();
  let tail = '';
  const launched = launcher.launch(
    {
      argv: run.argv,
      cwd: run.cwd,
      prepare: run.prepare,
      readOnExit: run.terminationLogPath,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: run.cwd, ...run.env },
    },
    (text) => {
      tail = (tail + text).slice(-FALLBACK_BYTES * 2);
      run.onOutput(text);
    },
  );
  let exited = false;
  let killTimer: NodeJS.Timeout | undefined;
  const done = launched.ended.then((end): ContainerExit => {
    exited = true;
    clearTimeout(killTimer);
    if ('startError' in end)
      return {
        exitCode: 128,
        reason: 'StartError',
        message: end.startError,
        startedAt,
        finishedAt: new Date(),
      };
    // A process killed by a signal exits 128 + the signal number, as in a container.
    const exitCode = end.code ?? 128 + signalNumber(end.signal);
    const message = terminationMessage(run, exitCode, end.fileOnExit ?? '', tail);
    return {
      exitCode,
      reason: exitCode === 0 ? 'Completed' : 'Error',
      ...(message ? { message } : {}),
      startedAt,
      finishedAt: new Date(),
    };
  });
  return {
    done,
    stop(gracePeriodMs) {
      if (exited) return;
      launched.kill('SIGTERM');
      killTimer = setTimeout(() => {
        launched.kill('SIGKILL');
      }, gracePeriodMs);
    },
  };
}

function terminationMessage(
  run: ContainerRun,
  exitCode: number,
  written: string,
  tail: string,
): string | undefined {
  if (written.length > 0)
    return Buffer.from(written).subarray(0, MAX_MESSAGE_BYTES).toString('utf8');
  if (!run.fallbackToLogsOnError || exitCode === 0 || tail.length === 0) return undefined;
  const lines = tail.split('\n').slice(-FALLBACK_LINES).join('\n');
  return lines.slice(-FALLBACK_BYTES);
}

function signalNumber(signal: NodeJS.Signals | null): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGKILL: 9, SIGTERM: 15, SIGINT: 2 };
  return (signal && numbers[signal]) ?? 1;
}
