/** A small benchmark harness: timed loops bounded in count and time, percentiles, a table. */

export interface BenchRow {
  suite: string;
  name: string;
  /** Operations per second over the measured loop. */
  opsPerSec?: number;
  p50Ms?: number;
  p99Ms?: number;
  /** Anything else worth a column: targets, sizes, counts. */
  notes?: string;
  [extra: string]: string | number | undefined;
}

export interface LoopOptions {
  /** Stop after this many calls... */
  maxIterations: number;
  /** ...or after this long, whichever comes first. */
  maxMs: number;
  warmupIterations?: number;
}

/** Times `fn` call by call; returns throughput and latency percentiles in milliseconds. */
export function timeLoop(
  fn: () => unknown,
  options: LoopOptions,
): { opsPerSec: number; p50Ms: number; p99Ms: number; iterations: number } {
  for (let index = 0; index < (options.warmupIterations ?? 100); index++) fn();
  const samples: number[] = [];
  const deadline = performance.now() + options.maxMs;
  const started = performance.now();
  while (samples.length < options.maxIterations && performance.now() < deadline) {
    const before = performance.now();
    fn();
    samples.push(performance.now() - before);
  }
  const elapsed = performance.now() - started;
  return {
    opsPerSec: (samples.length / elapsed) * 1000,
    ...percentiles(samples),
    iterations: samples.length,
  };
}

export function percentiles(samples: readonly number[]): { p50Ms: number; p99Ms: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { p50Ms: at(0.5), p99Ms: at(0.99) };
}

export function formatTable(rows: readonly BenchRow[]): string {
  const columns = ['suite', 'name', 'opsPerSec', 'p50Ms', 'p99Ms', 'notes'] as const;
  const cell = (row: BenchRow, column: (typeof columns)[number]): string => {
    const value = row[column];
    if (typeof value === 'number')
      return column === 'opsPerSec' ? Math.round(value).toLocaleString('en-US') : value.toFixed(4);
    return value ?? '';
  };
  const widths = columns.map((column) =>
    Math.max(column.length, ...rows.map((row) => cell(row, column).length)),
  );
  const line = (values: string[]): string =>
    values.map((value, index) => value.padEnd(widths[index] ?? 0)).join('  ');
  return [
    line([...columns]),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map((row) => line(columns.map((column) => cell(row, column)))),
  ].join('\n');
}
