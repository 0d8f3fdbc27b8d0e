/**
 * What another process has used, from Linux's /proc: CPU time and peak resident memory. The
 * benchmarks measure the dispatcher in its own process, so their own clients, informers and
 * load generators are not in its figures.
 */
import { readFile } from 'node:fs/promises';

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux architecture Node runs on

/** User plus system CPU seconds the process has used so far (all its threads). */
export async function cpuSecondsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${String(pid)}/stat`, 'utf8');
  // Fields after the command name, which may itself hold spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15)
  if (!Number.isFinite(ticks)) throw new Error(`unreadable /proc/${String(pid)}/stat`);
  return ticks / CLOCK_TICKS_PER_SECOND;
}

/** The process's peak resident set size so far (VmHWM), in MiB. */
export async function peakRssMiBOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${String(pid)}/status`, 'utf8');
  const kib = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`no VmHWM in /proc/${String(pid)}/status`);
  return Number(kib) / 1024;
}
