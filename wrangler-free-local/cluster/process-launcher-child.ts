/**
 * The launcher process: starts the simulated containers' host processes on behalf of the
 * kubelet. It is small (no API server, no caches), so a `fork` from it costs a fraction of one
 * from the cluster's process, and it runs beside it, so a burst of pod starts does not block
 * the cluster's event loop. Protocol: one JSON message per line over the IPC channel
 * (see process-launcher.ts). When the parent goes away, every process still running is killed:
 * nothing would report its end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeSandbox } from './pod-sandbox.ts';
import type { LauncherRequest, LauncherReport } from './process-launcher.ts';

const children = new Map<number, ChildProcess>();

function report(message: LauncherReport): void {
  process.send?.(message);
}

function start(request: Extract<LauncherRequest, { op: 'start' }>): void {
  const [command = '', ...args] = request.argv;
  try {
    writeSandbox(request.prepare ?? []);
  } catch (error) {
    report({ id: request.id, type: 'error', message: (error as Error).message });
    return;
  }
  const child = spawn(command, args, {
    cwd: request.cwd,
    env: request.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.set(request.id, child);
  // Output in the order it arrived, stdout and stderr interleaved, as a container log is.
  const forward = (chunk: Buffer): void => {
    report({ id: request.id, type: 'output', text: chunk.toString('utf8') });
  };
  child.stdout.on('data', forward);
  child.stderr.on('data', forward);
  child.once('error', (error) => {
    children.delete(request.id);
    report({ id: request.id, type: 'error', message: error.message });
  });
  child.once('close', (code, signal) => {
    children.delete(request.id);
    report({
      id: request.id,
      type: 'exit',
      code,
      signal,
      ...(request.readOnExit === undefined ? {} : { fileOnExit: readOrEmpty(request.readOnExit) }),
    });
  });
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

process.on('message', (request: LauncherRequest) => {
  if (request.op === 'start') start(request);
  else children.get(request.id)?.kill(request.signal);
});
process.on('disconnect', () => {
  for (const child of children.values()) child.kill('SIGKILL');
  process.exit(0);
});
