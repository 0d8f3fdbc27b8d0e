/**
 * The local cluster alone, in its own process: `node wrangler-free-local/serve.ts <dir>`.
 * Writes `<dir>/kubeconfig`, prints `ready` on stdout, and runs until SIGTERM or SIGINT.
 * Benchmarks use it so that what they measure of the dispatcher is the dispatcher's own.
 *
 * Options (environment): WFL_PORT (default 0: any free port), WFL_CATALOG (JSON object of
 * digest → host command line for the image's entrypoint), WFL_FAULTS (JSON fault injector
 * configuration: error rates, latency, watch cuts; see apiserver/fault-injector.ts).
 */
import { join } from 'node:path';
import type { FaultConfig } from './apiserver/fault-injector.ts';
import { writeKubeconfig } from './apiserver/index.ts';
import { ImageCatalog } from './cluster/image-catalog.ts';
import { startLocalCluster } from './local-cluster.ts';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: node wrangler-free-local/serve.ts <state-dir>\n');
  process.exit(2);
}
const catalog = new ImageCatalog();
const entries = JSON.parse(process.env.WFL_CATALOG ?? '{}') as Record<string, string[]>;
for (const [digest, entrypoint] of Object.entries(entries)) catalog.add(digest, { entrypoint });
const cluster = await startLocalCluster({
  stateDir: join(dir, 'state'),
  token: 'local',
  catalog,
  port: Number(process.env.WFL_PORT ?? 0),
  ...(process.env.WFL_FAULTS
    ? { faults: JSON.parse(process.env.WFL_FAULTS) as Partial<FaultConfig> }
    : {}),
});
await writeKubeconfig(join(dir, 'kubeconfig'), cluster.server);
process.stdout.write('ready\n');
const stop = (): void => {
  void cluster.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
