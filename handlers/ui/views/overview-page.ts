/**
 * The overview: the last 24 h of runs by phase and by backend, the V1 (Jobs) vs V2 (Tekton)
 * comparison the rollout is judged by, and alert suppressions by reason. Figures are tables
 * (readable by screen readers and on a phone), with a bar drawn by CSS width classes only.
 */
import type { JSXNode } from 'hono/jsx';
import { RUN_PHASES } from '../../../src/api/workflow-execution.ts';
import type { CountByLabel, Overview } from '../../../src/ui/summarize-overview.ts';
import { BACKEND_LABELS, formatDuration } from '../../../src/ui/summarize-run.ts';
import { h } from './h.ts';
import { layout, type PageOptions } from './layout.ts';
import { phaseBadge } from './runs-page.ts';

function countTable(
  caption: string,
  header: string,
  rows: readonly [JSXNode | string, number][],
): JSXNode {
  return h(
    'table',
    { class: 'counts' },
    h('caption', null, caption),
    h(
      'thead',
      null,
      h('tr', null, h('th', { scope: 'col' }, header), h('th', { scope: 'col' }, 'Count')),
    ),
    h(
      'tbody',
      null,
      ...rows.map(([label, count]) =>
        h('tr', null, h('th', { scope: 'row' }, label), h('td', null, String(count))),
      ),
    ),
  );
}

function percent(ratio: number | undefined): string {
  return ratio === undefined ? '—' : `${(ratio * 100).toFixed(1)}%`;
}

export interface OverviewModel {
  overview: Overview;
  suppressions: readonly CountByLabel[];
  duplicates: readonly CountByLabel[];
}

export function overviewPage(options: PageOptions, model: OverviewModel): JSXNode {
  const { overview } = model;
  return layout(
    { ...options, title: 'Overview', current: 'overview' },
    h('h1', null, 'Overview'),
    h(
      'p',
      null,
      `${String(overview.total)} runs created in the last 24 hours, in every namespace.`,
    ),
    h(
      'div',
      { class: 'grid' },
      countTable(
        'Runs by phase (24 h)',
        'Phase',
        RUN_PHASES.map((phase) => [phaseBadge(phase), overview.byPhase[phase]]),
      ),
      countTable(
        'Runs by backend (24 h)',
        'Backend',
        Object.entries(overview.byBackend).map(([backend, count]) => [
          BACKEND_LABELS[backend] ?? (backend === 'none' ? 'not chosen yet' : backend),
          count,
        ]),
      ),
    ),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'comparison' },
        h('caption', null, 'V1 vs V2: finished runs of the last 24 hours'),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ...[
              'Backend',
              'Finished',
              'Succeeded',
              'Success ratio',
              'Mean duration',
              'Median duration',
            ].map((title) => h('th', { scope: 'col' }, title)),
          ),
        ),
        h(
          'tbody',
          null,
          ...overview.comparison.map((row) =>
            h(
              'tr',
              { 'data-backend': row.backend },
              h('th', { scope: 'row' }, BACKEND_LABELS[row.backend] ?? row.backend),
              h('td', null, String(row.finished)),
              h('td', null, String(row.succeeded)),
              h('td', null, percent(row.successRatio)),
              h('td', null, formatDuration(row.meanDurationMs)),
              h('td', null, formatDuration(row.medianDurationMs)),
            ),
          ),
        ),
      ),
    ),
    h('h2', null, 'Alerts that started no run'),
    h(
      'p',
      { class: 'muted' },
      'Counted by this replica since it started (the counters of /metrics); each suppression is also an Event on its RemediationTemplate.',
    ),
    h(
      'div',
      { class: 'grid' },
      countTable(
        'Suppressed by guardrail, by reason',
        'Reason',
        model.suppressions.length === 0
          ? [['none', 0]]
          : model.suppressions.map((row) => [row.label, row.count]),
      ),
      countTable(
        'Duplicates folded into a run, by how found',
        'Found by',
        model.duplicates.length === 0
          ? [['none', 0]]
          : model.duplicates.map((row) => [row.label, row.count]),
      ),
    ),
  );
}
