/**
 * The one place that reads the environment and wires everything. `npm start` runs this.
 */
import { serve } from '@hono/node-server';
import { createApp } from '../handlers/app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './observability/logger.ts';

function main(): void {
  const config = loadConfig(process.env);
  const logger = createLogger(config.LOG_LEVEL);
  let shuttingDown = false;
  const app = createApp({
    readiness: [{ name: 'shutdown', check: () => (shuttingDown ? 'shutting down' : undefined) }],
  });
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
    logger.info({ port: info.port }, `dispatcher listening on http://${config.HOST}:${info.port}`);
  });

  const shutdown = (signal: string): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), config.SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    server.close(() => {
      logger.info('stopped');
      process.exit(0);
    });
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

try {
  main();
} catch (error: unknown) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
}
