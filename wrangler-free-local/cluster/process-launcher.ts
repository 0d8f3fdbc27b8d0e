/**
 * Starts host processes through small long-lived launcher processes
 * (process-launcher-child.ts) instead of from the cluster's own process. A `spawn` blocks the
 * event loop for as long as the kernel takes to fork, and forking a process of a few hundred
 * MiB (the API server with its store and watch buffers) costs several times more than forking
 * a small one: with a burst of 1,000 Job pods that was the largest cost on the cluster's one
 * event loop. A worker thread would not help: a fork there stops the whole process too.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { SandboxStep } from './pod-sandbox.ts';

export type LauncherRequest =
  | {
      op: 'start';
      id: number;
      argv: string[];
      env: Record<string, string>;
      cwd: string;
      /** File system changes to make first (the container's sandbox). */
      prepare?: SandboxStep[];
      /** A file to read once the process has ended (the termination log); '' if missing. */
      readOnExit?: string;
    }
  | { op: 'kill'; id: number; signal: NodeJS.Signals };

export type LauncherReport =
  | { id: number; type: 'output'; text: string }
  | { id: number; type: 'error'; message: string }
  | {
      id: number;
      type: 'exit';
      code: number | null;
      signal: NodeJS.Signals | null;
      fileOnExit?: string;
    };

export interface LaunchedProcess {
  /** Settles once: the exit code or killing signal, or the reason the process never started. */
  ended: Promise<
    | { code: number | null; signal: NodeJS.Signals | null; fileOnExit?: string }
    | { startError: string }
  >;
  kill(signal: NodeJS.Signals): void;
}

interface Pending {
  onOutput: (text: string) => void;
  settle: (end: Awaited<LaunchedProcess['ended']>) => void;
}

interface Launcher {
  child: ChildProcess;
  running: Map<number, Pending>;
}

const CHILD = join(import.meta.dirname, 'process-launcher-child.ts');

export class ProcessLauncher {
  private readonly launchers: (Launcher | undefined)[];
  private nextId = 1;
  private closed = false;

  /** `size` launchers share the starts, the least busy first. */
  constructor(size = 1) {
    this.launchers = Array.from({ length: size }, () => undefined);
  }

  launch(
    request: Omit<Extract<LauncherRequest, { op: 'start' }>, 'op' | 'id'>,
    onOutput: (text: string) => void,
  ): LaunchedProcess {
    const id = this.nextId++;
    const launcher = this.pick();
    let settle: Pending['settle'] = () => undefined;
    const ended = new Promise<Awaited<LaunchedProcess['ended']>>((resolve) => (settle = resolve));
    if (!launcher) {
      settle({ startError: 'the process launcher is closed' });
      return { ended, kill: () => undefined };
    }
    launcher.running.set(id, { onOutput, settle });
    launcher.child.send({ op: 'start', id, ...request } satisfies LauncherRequest);
    return {
      ended,
      kill: (signal) => {
        if (launcher.running.has(id) && launcher.child.connected)
          launcher.child.send({ op: 'kill', id, signal } satisfies LauncherRequest);
      },
    };
  }

  /** Ends the launchers; they kill whatever still runs, as nothing would report its end. */
  close(): void {
    this.closed = true;
    for (const launcher of this.launchers) {
      if (launcher?.child.connected) launcher.child.disconnect();
    }
  }

  private pick(): Launcher | undefined {
    if (this.closed) return undefined;
    let best: Launcher | undefined;
    for (const [index, existing] of this.launchers.entries()) {
      const launcher = existing ?? this.startLauncher(index);
      if (!best || launcher.running.size < best.running.size) best = launcher;
    }
    return best;
  }

  private startLauncher(index: number): Launcher {
    // No inherited flags (profilers, inspectors): the launcher stays small.
    const child = fork(CHILD, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const launcher: Launcher = { child, running: new Map() };
    this.launchers[index] = launcher;
    child.on('message', (report: LauncherReport) => {
      const pending = launcher.running.get(report.id);
      if (!pending) return;
      if (report.type === 'output') {
        pending.onOutput(report.text);
        return;
      }
      launcher.running.delete(report.id);
      pending.settle(
        report.type === 'error'
          ? { startError: report.message }
          : {
              code: report.code,
              signal: report.signal,
              ...(report.fileOnExit === undefined ? {} : { fileOnExit: report.fileOnExit }),
            },
      );
    });
    child.once('exit', (code, signal) => {
      // A launcher that died takes its processes' reports with it: fail them, start afresh.
      if (this.launchers[index] === launcher) this.launchers[index] = undefined;
      for (const pending of launcher.running.values())
        pending.settle({
          startError: `the process launcher exited (${String(code ?? signal)})`,
        });
      launcher.running.clear();
    });
    // The cluster must be able to exit while the launcher idles.
    child.unref();
    child.channel?.unref();
    return launcher;
  }
}
