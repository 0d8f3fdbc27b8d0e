/** The dispatcher's HTTP surface: one Hono app, routes mounted from the handlers. */
import { Hono } from 'hono';
import { healthRoutes, type ReadinessCheck } from './health.ts';

export interface AppOptions {
  readiness: readonly ReadinessCheck[];
}

export function createApp(options: AppOptions): Hono {
  const app = new Hono();
  app.route('/', healthRoutes(options.readiness));
  app.notFound((c) =>
    c.json({ error: 'NotFound', message: `no route for ${c.req.method} ${c.req.path}` }, 404),
  );
  return app;
}
