/**
 * GET /ui/events: server-sent events for the runs list (`?phase=&template=&target=&backend=&q=`)
 * or for one run (`?run=<namespace>/<name>`). Each stream is a listener of the one run feed
 * (no watch per browser). Changes are coalesced per run while the stream writes, so a slow
 * browser gets the latest state rather than a growing backlog; a heartbeat comment keeps
 * proxies from closing an idle stream; the listener goes when the browser disconnects.
 */
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { WorkflowExecution } from '../../src/api/workflow-execution.ts';
import type { InformerEvent } from '../../src/kube/informer.ts';
import type { RunFeedView } from '../../src/ui/run-feed.ts';
import {
  compareNewestFirst,
  matchesFilters,
  summarizeRun,
  type RunFilters,
} from '../../src/ui/summarize-run.ts';
import { HttpError } from '../http-error.ts';
import type { UiEnv } from './ui-env.ts';
import { renderHtml } from './views/h.ts';
import { runLive } from './views/run-page.ts';
import { rowId, runRow } from './views/runs-page.ts';

export interface UiEventsOptions {
  feed: RunFeedView;
  heartbeatMs: number;
  now: () => Date;
  /** Rows sent when a list stream opens (what the page shows at most). */
  snapshotLimit: number;
}

type Message = { event: string; data: string; id?: string };

const keyOf = (run: WorkflowExecution): string =>
  `${run.metadata.namespace ?? 'default'}/${run.metadata.name ?? ''}`;

async function listMessage(
  event: InformerEvent,
  run: WorkflowExecution,
  filters: RunFilters,
  now: Date,
): Promise<Message> {
  const summary = summarizeRun(run, now);
  const id = rowId(summary.namespace, summary.name);
  if (event === 'delete' || !matchesFilters(summary, filters)) {
    return { event: 'remove', data: JSON.stringify({ id }) };
  }
  return { event: 'upsert', data: JSON.stringify({ id, html: await renderHtml(runRow(summary)) }) };
}

async function runMessage(
  event: InformerEvent,
  run: WorkflowExecution,
  now: Date,
): Promise<Message> {
  if (event === 'delete') return { event: 'deleted', data: JSON.stringify({ run: keyOf(run) }) };
  return {
    event: 'run',
    data: JSON.stringify({
      phase: run.status?.phase ?? 'Pending',
      html: await renderHtml(runLive(run, now)),
    }),
  };
}

export function filtersOf(c: Context<UiEnv>): RunFilters {
  const read = (name: string): string | undefined => {
    const value = c.req.query(name)?.slice(0, 256).trim();
    return value ? value : undefined;
  };
  return {
    phase: read('phase'),
    template: read('template'),
    target: read('target'),
    backend: read('backend'),
    q: read('q'),
  };
}

export function streamRunEvents(c: Context<UiEnv>, options: UiEventsOptions): Response {
  const { feed, now } = options;
  const runKey = c.req.query('run');
  const filters = filtersOf(c);
  const pending = new Map<string, { event: InformerEvent; run: WorkflowExecution }>();
  let wake: (() => void) | undefined;
  // An object, not a `let`: callbacks flip it while the stream loop awaits.
  const state = { closed: false };
  const isClosed = (): boolean => state.closed;
  const end = (): void => {
    state.closed = true;
    wake?.();
  };
  const unsubscribe = feed.subscribe((event, run) => {
    const key = keyOf(run);
    if (runKey !== undefined && key !== runKey) return;
    pending.set(key, { event, run });
    wake?.();
  }, end);
  if (!unsubscribe) {
    throw new HttpError({
      status: 503,
      code: 'TooManyStreams',
      message: 'this replica serves its maximum of live streams: try again shortly',
      headers: { 'Retry-After': '10' },
    });
  }
  if (runKey !== undefined) {
    // The run as it is now: it may have changed between the page render and this stream.
    const [namespace = '', name = ''] = runKey.split('/');
    const run = feed.get(namespace, name);
    if (run) pending.set(runKey, { event: 'update', run });
  } else {
    // What changed between the page render and this stream opening is not lost.
    // Oldest first: the browser puts rows it does not have on top, so the newest ends first.
    const matching = feed
      .list()
      .map((run) => ({ run, summary: summarizeRun(run, now()) }))
      .filter(({ summary }) => matchesFilters(summary, filters))
      .sort((a, b) => compareNewestFirst(a.summary, b.summary))
      .slice(0, options.snapshotLimit)
      .reverse();
    for (const { run } of matching) pending.set(keyOf(run), { event: 'update', run });
  }
  return streamSSE(c, async (stream) => {
    stream.onAbort(() => {
      unsubscribe();
      end();
    });
    try {
      await stream.writeSSE({ event: 'ready', data: '{}', retry: 3000 });
      while (!isClosed()) {
        if (pending.size === 0) {
          const woken = await new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => {
              resolve(false);
            }, options.heartbeatMs);
            wake = () => {
              clearTimeout(timer);
              resolve(true);
            };
          });
          wake = undefined;
          if (!woken && !isClosed()) await stream.write(': heartbeat\n\n');
          continue;
        }
        const batch = [...pending.values()];
        pending.clear();
        for (const { event, run } of batch) {
          const message =
            runKey === undefined
              ? await listMessage(event, run, filters, now())
              : await runMessage(event, run, now());
          await stream.writeSSE(message);
        }
      }
    } finally {
      unsubscribe();
    }
  });
}
