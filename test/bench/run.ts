/**
 * `npm run bench`: runs every benchmark suite, prints one table and writes the rows as JSON
 * to bench-results/<date>.json and bench-results/latest.json. Suites talk only to 127.0.0.1
 * and every loop is bounded in count and time. `npm run bench -- planner` runs one suite.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { formatTable, type BenchRow } from './harness.ts';
import { benchApiServer } from './apiserver.bench.ts';
import { benchBackends } from './backends.bench.ts';
import { benchEngine } from './engine.bench.ts';
import { benchIntake } from './intake.bench.ts';
import { benchOnDemand } from './ondemand.bench.ts';
import { benchPlanner } from './planner.bench.ts';
import { benchScaleOut } from './scaleout.bench.ts';
import { benchSupplyChain } from './supplychain.bench.ts';

const SUITES: Record<string, () => BenchRow[] | Promise<BenchRow[]>> = {
  planner: benchPlanner,
  apiserver: benchApiServer,
  engine: benchEngine,
  backends: benchBackends,
  intake: benchIntake,
  ondemand: benchOnDemand,
  supplychain: benchSupplyChain,
  scaleout: benchScaleOut,
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in SUITES));
if (unknown.length > 0) {
  console.error(
    `unknown suite(s): ${unknown.join(', ')}; known: ${Object.keys(SUITES).join(', ')}`,
  );
  process.exit(2);
}
const rows: BenchRow[] = [];
for (const [name, suite] of Object.entries(SUITES)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  rows.push(...(await suite()));
}
console.log(formatTable(rows));
const report = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  rows,
};
const dir = join(import.meta.dirname, '../../bench-results');
await mkdir(dir, { recursive: true });
const text = `${JSON.stringify(report, null, 2)}\n`;
await writeFile(join(dir, 'latest.json'), text);
await writeFile(join(dir, `${report.date.replaceAll(':', '-')}.json`), text);
console.log(`\nwrote ${join(dir, 'latest.json')}`);
