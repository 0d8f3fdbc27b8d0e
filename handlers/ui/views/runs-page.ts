/**
 * The runs list: a GET form of filters and search (works without script), the table, and the
 * `data-live` URL the client script opens as an EventSource to receive rows as they change.
 * The same `runRow` renders the page and every SSE update, so both escape the same way.
 */
import type { JSXNode } from 'hono/jsx';
import { RUN_PHASES } from '../../../src/api/workflow-execution.ts';
import {
  BACKEND_LABELS,
  formatDuration,
  type RunFilters,
  type RunSummary,
} from '../../../src/ui/summarize-run.ts';
import { h, timeOf, type Node } from './h.ts';
import { layout, type PageOptions } from './layout.ts';

export function rowId(namespace: string, name: string): string {
  return `run:${namespace}/${name}`;
}

export function runHref(namespace: string, name: string): string {
  return `/ui/runs/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}

export function phaseBadge(phase: string): JSXNode {
  return h('span', { class: `phase phase-${phase}` }, phase);
}

function cell(label: string, ...content: Node[]): JSXNode {
  return h('td', { 'data-label': label }, ...content);
}

export function runRow(run: RunSummary): JSXNode {
  return h(
    'tr',
    { id: rowId(run.namespace, run.name), 'data-phase': run.phase },
    h(
      'th',
      { scope: 'row', 'data-label': 'Run' },
      h('a', { href: runHref(run.namespace, run.name) }, run.name),
      h('span', { class: 'namespace' }, run.namespace),
    ),
    cell('Phase', phaseBadge(run.phase), run.progress ? ` ${run.progress}` : ''),
    cell('Template', run.template || '—'),
    cell('Target', run.target || '—'),
    cell('Backend', run.backend ? (BACKEND_LABELS[run.backend] ?? run.backend) : '—'),
    cell('Started', timeOf(run.startedAt ?? run.createdAt)),
    cell('Duration', formatDuration(run.durationMs)),
    cell('Source', run.source || '—'),
  );
}

function select(
  name: string,
  label: string,
  options: readonly string[],
  value: string | undefined,
) {
  return h(
    'div',
    { class: 'field' },
    h('label', { for: `filter-${name}` }, label),
    h(
      'select',
      { id: `filter-${name}`, name },
      h('option', { value: '' }, 'any'),
      ...options.map((option) =>
        h(
          'option',
          { value: option, ...(option === value ? { selected: true } : {}) },
          name === 'backend' ? (BACKEND_LABELS[option] ?? option) : option,
        ),
      ),
    ),
  );
}

export interface RunsPageModel {
  rows: readonly RunSummary[];
  filters: RunFilters;
  choices: { template: string[]; target: string[]; backend: string[] };
  /** Matching runs beyond the rows shown. */
  hidden: number;
  liveUrl: string;
}

export function runsPage(options: PageOptions, model: RunsPageModel): JSXNode {
  const { filters, choices } = model;
  return layout(
    { ...options, title: 'Runs', current: 'runs' },
    h('h1', null, 'Remediation runs'),
    h(
      'form',
      {
        method: 'get',
        action: '/ui',
        class: 'filters',
        role: 'search',
        'aria-label': 'Filter runs',
      },
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'filter-q' }, 'Search'),
        h('input', {
          id: 'filter-q',
          name: 'q',
          type: 'search',
          value: filters.q ?? '',
          placeholder: 'name, target, alert…',
        }),
      ),
      select('phase', 'Phase', RUN_PHASES, filters.phase),
      select('template', 'Template', choices.template, filters.template),
      select('target', 'Target', choices.target, filters.target),
      select('backend', 'Backend', choices.backend, filters.backend),
      h('button', { type: 'submit' }, 'Apply'),
      h('a', { href: '/ui', class: 'reset' }, 'Reset'),
    ),
    h(
      'p',
      { id: 'live-status', class: 'live-status', role: 'status' },
      'Live updates start when the page has loaded.',
    ),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'runs', 'data-live': model.liveUrl },
        h(
          'caption',
          null,
          `Runs, newest first${model.hidden > 0 ? ` (${String(model.hidden)} older not shown)` : ''}`,
        ),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ...[
              'Run',
              'Phase',
              'Template',
              'Target',
              'Backend',
              'Started',
              'Duration',
              'Source',
            ].map((title) => h('th', { scope: 'col' }, title)),
          ),
        ),
        h('tbody', { id: 'run-rows' }, ...model.rows.map(runRow)),
      ),
    ),
    model.rows.length === 0
      ? h(
          'p',
          { id: 'no-runs', class: 'empty' },
          'No run matches. New runs appear here as they start.',
        )
      : null,
  );
}
