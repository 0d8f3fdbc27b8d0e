/**
 * HTTP load from `wrk` (Debian package `wrk`), a C load generator in its own process: a Node
 * client in the benchmark's process would share its event loop's cost with the figures, and
 * autocannon's HTTP parser costs more CPU than the server it measures on a 2-core machine.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface WrkResult {
  requests: number;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers other than 2xx and 3xx; wrk still counts them as requests. */
  non2xx: number;
  socketErrors: number;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

/** Reads `wrk --latency` output: the request count, the rate and the latency distribution. */
export function parseWrkOutput(text: string): WrkResult {
  const number = (pattern: RegExp, what: string): number => {
    const match = pattern.exec(text);
    if (!match?.[1]) throw new Error(`wrk output has no ${what}:\n${text}`);
    return Number(match[1]);
  };
  const latency = (percent: string): number => {
    const match = new RegExp(`^\\s*${percent}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(text);
    const unit = UNIT_MS[match?.[2] ?? ''];
    if (!match?.[1] || unit === undefined) throw new Error(`wrk output has no ${percent}% line`);
    // wrk prints two decimals; rounding keeps 0.175 from becoming 0.17500000000000002.
    return Math.round(Number(match[1]) * unit * 1e6) / 1e6;
  };
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  return {
    requests: number(/^\s*(\d+) requests in /m, 'request count'),
    requestsPerSec: number(/^Requests\/sec:\s+([\d.]+)/m, 'rate'),
    p50Ms: latency('50'),
    p99Ms: latency('99'),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0),
    socketErrors: errors ? errors.slice(1).reduce((sum, count) => sum + Number(count), 0) : 0,
  };
}

export const WRK = process.env.WRK ?? 'wrk';

/** undefined when wrk can run; otherwise why not (the row says so instead of a figure). */
export function wrkMissing(): string | undefined {
  const probe = spawnSync(WRK, ['-v'], { encoding: 'utf8' });
  return probe.error ? `not measured: wrk not found (${WRK}); apt-get install wrk` : undefined;
}

export interface WrkOptions {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  connections: number;
  seconds: number;
  /** Where the request script is written. */
  dir: string;
}

/** Runs wrk with one thread (the other core is the server's) and returns what it measured. */
export async function runWrk(options: WrkOptions): Promise<WrkResult> {
  const script = join(options.dir, 'request.lua');
  const lines = [
    `wrk.method = ${JSON.stringify(options.method)}`,
    ...Object.entries(options.headers).map(
      ([name, value]) => `wrk.headers[${JSON.stringify(name)}] = ${JSON.stringify(value)}`,
    ),
    // Lua's long brackets take the body as it is; the level is chosen so it cannot close early.
    `wrk.body = [==[${options.body}]==]`,
  ];
  if (options.body.includes(']==]')) throw new Error('the body cannot be quoted for wrk');
  await writeFile(script, `${lines.join('\n')}\n`);
  const child = spawn(
    WRK,
    [
      '-t1',
      `-c${String(options.connections)}`,
      `-d${String(options.seconds)}s`,
      '--latency',
      '-s',
      script,
      options.url,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`wrk exited with ${String(code)}:\n${output}`);
  return parseWrkOutput(output);
}
