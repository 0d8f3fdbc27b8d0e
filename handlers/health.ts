/**
 * Liveness and readiness. /healthz says the process serves HTTP; /readyz says it should get
 * traffic (caches synced, API reachable, not shutting down), as Kubernetes probes expect.
 */
import { Hono } from 'hono';

export interface ReadinessCheck {
  name: string;
  /** Resolves to undefined when ready, or a short reason when not. */
  check: () => Promise<string | undefined> | string | undefined;
}

export function healthRoutes(checks: readonly ReadinessCheck[]): Hono {
  const routes = new Hono();
  routes.get('/healthz', (c) => c.json({ status: 'ok' }));
  routes.get('/readyz', async (c) => {
    const results = await Promise.all(
      checks.map(async ({ name, check }) => ({ name, reason: await check() })),
    );
    const failing = results.filter((result) => result.reason !== undefined);
    if (failing.length === 0) return c.json({ status: 'ready' });
    return c.json({ status: 'not ready', checks: failing }, 503);
  });
  return routes;
}
