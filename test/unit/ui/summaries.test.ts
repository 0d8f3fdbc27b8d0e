import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunPhase, WorkflowExecution } from '../../../src/api/workflow-execution.ts';
import { safeHttpUrl, safeUiPath } from '../../../src/ui/safe-link.ts';
import { countsByLabel, summarizeOverview } from '../../../src/ui/summarize-overview.ts';
import { formatDuration, matchesFilters, summarizeRun } from '../../../src/ui/summarize-run.ts';

const NOW = new Date('2026-01-15T12:00:00Z');

function run(
  name: string,
  options: {
    phase?: RunPhase;
    backend?: 'jobs' | 'tekton';
    created?: string;
    started?: string;
    completed?: string;
    alertname?: string;
    target?: string;
  } = {},
): WorkflowExecution {
  return {
    apiVersion: 'kubernaut.ai/v1alpha1',
    kind: 'WorkflowExecution',
    metadata: {
      name,
      namespace: 'prod',
      creationTimestamp: options.created ?? '2026-01-15T11:00:00Z',
      labels: { 'kubernaut.ai/template': 'crashloop-restart' },
    },
    spec: {
      workflowType: 'crashloop',
      steps: [],
      cancel: false,
      dryRun: false,
      ...(options.target ? { target: options.target } : {}),
      ...(options.alertname
        ? {
            source: {
              type: 'alert' as const,
              alert: {
                fingerprint: 'f1',
                labels: { alertname: options.alertname },
                annotations: {},
                startsAt: '2026-01-15T10:59:00Z',
              },
            },
          }
        : {
            source: { type: 'onDemand' as const, caller: { name: 'alice', via: 'api' as const } },
          }),
    },
    status: {
      steps: [],
      conditions: [],
      ...(options.phase ? { phase: options.phase } : {}),
      ...(options.backend ? { backend: { name: options.backend, reason: '' } } : {}),
      ...(options.started ? { startedAt: options.started } : {}),
      ...(options.completed ? { completedAt: options.completed } : {}),
    },
  };
}

describe('summarizeRun and the list filters', () => {
  it('reads template (label fallback), target, backend, source and duration', () => {
    const summary = summarizeRun(
      run('r1', {
        phase: 'Succeeded',
        backend: 'tekton',
        started: '2026-01-15T11:00:00Z',
        completed: '2026-01-15T11:01:30Z',
        alertname: 'KubePodCrashLooping',
        target: 'prod/Deployment/api',
      }),
      NOW,
    );
    assert.deepEqual(
      [summary.template, summary.target, summary.backend, summary.source, summary.durationMs],
      ['crashloop-restart', 'prod/Deployment/api', 'tekton', 'KubePodCrashLooping', 90_000],
    );
    const running = summarizeRun(run('r2', { started: '2026-01-15T11:59:00Z' }), NOW);
    assert.equal(running.durationMs, 60_000, 'an active run lasts until now');
    assert.equal(running.phase, 'Pending');
    assert.equal(running.source, 'alice (api)');
  });

  const summary = summarizeRun(
    run('payment-oom', {
      phase: 'Running',
      backend: 'jobs',
      alertname: 'KubePodOOM',
      target: 'prod/Deployment/payment',
    }),
    NOW,
  );
  const cases: [string, Parameters<typeof matchesFilters>[1], boolean][] = [
    ['no filter', {}, true],
    ['phase matches', { phase: 'Running' }, true],
    ['phase differs', { phase: 'Failed' }, false],
    ['template', { template: 'crashloop-restart' }, true],
    ['other template', { template: 'x' }, false],
    ['backend', { backend: 'jobs' }, true],
    ['other backend', { backend: 'tekton' }, false],
    ['target', { target: 'prod/Deployment/payment' }, true],
    ['search by alert, any case', { q: 'kubepodoom' }, true],
    ['search by target part', { q: 'payment' }, true],
    ['search misses', { q: 'nothing-like-it' }, false],
    ['all together', { phase: 'Running', backend: 'jobs', q: 'OOM' }, true],
  ];
  for (const [name, filters, expected] of cases) {
    it(`filters: ${name}`, () => {
      assert.equal(matchesFilters(summary, filters), expected);
    });
  }

  it('formats durations for a table cell', () => {
    assert.deepEqual([undefined, 1_234, 65_000, 3_725_000].map(formatDuration), [
      '—',
      '1.2s',
      '1m 5s',
      '1h 2m',
    ]);
  });
});

describe('summarizeOverview', () => {
  it('counts the last 24 h by phase and backend and compares V1 with V2', () => {
    const runs = [
      run('a', {
        phase: 'Succeeded',
        backend: 'jobs',
        started: '2026-01-15T11:00:00Z',
        completed: '2026-01-15T11:00:10Z',
      }),
      run('b', {
        phase: 'Failed',
        backend: 'jobs',
        started: '2026-01-15T11:00:00Z',
        completed: '2026-01-15T11:00:30Z',
      }),
      run('c', {
        phase: 'Succeeded',
        backend: 'tekton',
        started: '2026-01-15T11:00:00Z',
        completed: '2026-01-15T11:00:20Z',
      }),
      run('d', { phase: 'Running', backend: 'tekton' }),
      run('e', { phase: 'Cancelled', backend: 'jobs' }),
      run('f'),
      run('old', { phase: 'Succeeded', backend: 'jobs', created: '2026-01-14T11:00:00Z' }),
    ];
    const overview = summarizeOverview(runs, NOW);
    assert.equal(overview.total, 6);
    assert.deepEqual(overview.byPhase, {
      Pending: 1,
      Running: 1,
      AwaitingApproval: 0,
      Succeeded: 2,
      Failed: 1,
      Cancelled: 1,
    });
    assert.deepEqual(overview.byBackend, { jobs: 3, tekton: 2, none: 1 });
    const [v1, v2] = overview.comparison;
    assert.deepEqual(v1, {
      backend: 'jobs',
      finished: 2,
      succeeded: 1,
      successRatio: 0.5,
      meanDurationMs: 20_000,
      medianDurationMs: 20_000,
    });
    assert.equal(v2?.successRatio, 1);
    assert.equal(v2?.medianDurationMs, 20_000);
  });

  it('has no ratio without finished runs', () => {
    assert.equal(summarizeOverview([], NOW).comparison[0]?.successRatio, undefined);
  });

  it('reads a counter by label, largest first, zeros left out', () => {
    assert.deepEqual(
      countsByLabel(
        [
          { value: 2, labels: { reason: 'Cooldown' } },
          { value: 5, labels: { reason: 'StormLimit' } },
          { value: 0, labels: { reason: 'Paused' } },
        ],
        'reason',
      ),
      [
        { label: 'StormLimit', count: 5 },
        { label: 'Cooldown', count: 2 },
      ],
    );
  });
});

describe('safe links', () => {
  const urls: [string | undefined, string | undefined][] = [
    ['http://prometheus:9090/graph?g0.expr=up', 'http://prometheus:9090/graph?g0.expr=up'],
    ['https://grafana.example/d/x', 'https://grafana.example/d/x'],
    ['javascript:alert(1)', undefined],
    [' JavaScript:alert(1)', undefined],
    ['data:text/html,<script>alert(1)</script>', undefined],
    ['/relative/path', undefined],
    ['//evil.example/x', undefined],
    ['https://user:pass@host/x', undefined],
    [undefined, undefined],
  ];
  for (const [input, expected] of urls) {
    it(`generatorURL ${String(input)} → ${String(expected)}`, () => {
      assert.equal(safeHttpUrl(input), expected);
    });
  }

  const paths: [string | undefined, string][] = [
    ['/ui/runs/default/x', '/ui/runs/default/x'],
    ['/ui?phase=Failed', '/ui?phase=Failed'],
    ['//evil.example/ui', '/ui'],
    ['https://evil.example/ui', '/ui'],
    ['/uievil', '/ui'],
    ['/ui\\@evil', '/ui'],
    [undefined, '/ui'],
  ];
  for (const [input, expected] of paths) {
    it(`after login ${String(input)} → ${expected}`, () => {
      assert.equal(safeUiPath(input), expected);
    });
  }
});
