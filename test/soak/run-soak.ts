/**
 * `npm run soak` (not part of `npm test`): 10 minutes of steady alerts and runs by default
 * (SOAK_SECONDS, SOAK_RATE). Prints the samples as a table, writes bench-results/soak.json,
 * and exits 1 when memory or open handles grew more than 10% after warm-up.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { growthAfterWarmUp, runSoak } from './soak.ts';

const seconds = Number(process.env.SOAK_SECONDS ?? 600);
const result = await runSoak({
  seconds,
  alertsPerSecond: Number(process.env.SOAK_RATE ?? 5),
  sampleEverySeconds: Math.max(5, seconds / 40),
});
const rows = result.samples.map((sample) => ({
  s: sample.atSeconds.toFixed(0),
  'RSS MiB': (sample.rssBytes / 2 ** 20).toFixed(1),
  'loop lag p99 ms': (sample.eventLoopLagSeconds * 1000).toFixed(1),
  handles: sample.handles,
  'runs created': sample.runsCreated,
}));
console.table(rows);
const rss = growthAfterWarmUp(result.samples, 'rssBytes');
const handles = growthAfterWarmUp(result.samples, 'handles');
const summary = {
  seconds,
  alertsSent: result.alertsSent,
  alertsFailed: result.alertsFailed,
  runsFinished: result.runsFinished,
  rssGrowthAfterWarmUp: rss,
  handleGrowthAfterWarmUp: handles,
};
console.log(summary);
await mkdir('bench-results', { recursive: true });
await writeFile(
  'bench-results/soak.json',
  JSON.stringify({ ...summary, samples: result.samples }, null, 2),
);
process.exit(rss > 0.1 || handles > 0.1 || result.alertsFailed > 0 ? 1 : 0);
