/** GET /metrics: the Prometheus text format of the dispatcher's registry. */
import { Hono } from 'hono';
import type { Registry } from 'prom-client';

export function metricsRoutes(registry: Registry): Hono {
  const routes = new Hono();
  routes.get('/metrics', async (c) => {
    c.header('Content-Type', registry.contentType);
    return c.body(await registry.metrics());
  });
  return routes;
}
