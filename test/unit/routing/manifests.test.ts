import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { createMetrics } from '../../../src/observability/metrics.ts';
import { parseRoutingFlags } from '../../../src/routing/routing-flags.ts';

const MANIFESTS = join(import.meta.dirname, '../../../manifests');

describe('routing and comparison manifests', () => {
  it('the example routing ConfigMap holds valid flags', () => {
    const configMap = parse(
      readFileSync(join(MANIFESTS, 'routing/kubernaut-routing.yaml'), 'utf8'),
    ) as {
      metadata: { name: string };
      data: Record<string, string>;
    };
    assert.equal(configMap.metadata.name, 'kubernaut-routing');
    const parsed = parseRoutingFlags(configMap.data);
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.problems.join('\n'));
    assert.deepEqual(
      parsed.flags.rules.map((rule) => rule.name),
      ['gitops-first', 'multi-step-canary'],
    );
  });

  it('the Grafana dashboard queries only metrics the dispatcher exports, by backend', async () => {
    const dashboard = JSON.parse(
      readFileSync(join(MANIFESTS, 'grafana/kubernaut-v1-v2.json'), 'utf8'),
    ) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    const exported = new Set(
      (await createMetrics({ defaultMetrics: false }).registry.getMetricsAsJSON()).map(
        (metric) => metric.name,
      ),
    );
    const queried = dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr));
    for (const expr of queried) {
      for (const [name] of expr.matchAll(/kubernaut_[a-z_]+/g)) {
        const base = name.replace(/_(bucket|sum|count)$/, '');
        assert.ok(exported.has(base), `${name} in "${expr}" is not exported`);
      }
    }
    const comparisons = queried.filter((expr) => expr.includes('backend'));
    assert.ok(comparisons.length >= 10, 'the panels compare the backends');
  });
});
