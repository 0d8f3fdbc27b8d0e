/** The dispatcher's HTTP surface: one Hono app, routes mounted from the handlers. */
import { Hono } from 'hono';
import type { Registry } from 'prom-client';
import { healthRoutes, type ReadinessCheck } from './health.ts';
import { metricsRoutes } from './metrics.ts';

export interface AppOptions {
  readiness: readonly ReadinessCheck[];
  /** Served at /metrics when given. */
  metrics?: Registry;
}

export function createApp(options: AppOptions): Hono {
  const app = new Hono();
  app.route('/', healthRoutes(options.readiness));
  if (options.metrics) app.route('/', metricsRoutes(options.metrics));
  app.notFound((c) =>
    c.json({ error: 'NotFound', message: `no route for ${c.req.method} ${c.req.path}` }, 404),
  );
  return app;
}
