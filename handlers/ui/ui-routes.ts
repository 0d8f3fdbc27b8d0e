/**
 * The web UI under /ui: server-rendered pages (hono/jsx), one small script for live updates,
 * behind the API's scopes (`read` to look, `approve` to decide, `run` to cancel, `admin` to
 * re-run, as an ad-hoc run of the same spec is). Every POST passes the origin check and the
 * CSRF token; every page carries a strict CSP and no-store caching. Errors render as a page
 * with the same status and code the API would answer.
 */
import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { CredentialStore } from '../../src/auth/credential-store.ts';
import { hasScope, type Scope } from '../../src/auth/scopes.ts';
import type { SessionSealer } from '../../src/auth/session-seal.ts';
import { TERMINAL_RUN_PHASES, type WorkflowExecution } from '../../src/api/workflow-execution.ts';
import type { WorkflowService } from '../../src/ondemand/workflow-service.ts';
import type { RunArtifactsSource, StepArtifacts } from '../../src/ui/read-run-artifacts.ts';
import type { RunFeedView } from '../../src/ui/run-feed.ts';
import { safeUiPath } from '../../src/ui/safe-link.ts';
import { summarizeOverview, type CountByLabel } from '../../src/ui/summarize-overview.ts';
import {
  compareNewestFirst,
  distinctValues,
  matchesFilters,
  summarizeRun,
} from '../../src/ui/summarize-run.ts';
import { limitBodySize } from '../body-limits.ts';
import { HttpError, toHttpError } from '../http-error.ts';
import { serveUiAsset } from './ui-assets.ts';
import type { UiEnv } from './ui-env.ts';
import { filtersOf, streamRunEvents } from './ui-events.ts';
import {
  checkUiCsrf,
  endUiSession,
  loadUiSession,
  requireUiScope,
  startUiSession,
} from './ui-session.ts';
import { renderDocument } from './views/h.ts';
import { errorPage, loginPage } from './views/layout.ts';
import { overviewPage } from './views/overview-page.ts';
import { runPage } from './views/run-page.ts';
import { runHref, runsPage } from './views/runs-page.ts';

export const UI_PATH = '/ui';
const ROW_LIMIT = 200;

export interface AlertCounters {
  suppressed: CountByLabel[];
  duplicates: CountByLabel[];
}

export interface UiRoutesOptions {
  credentials: Pick<CredentialStore, 'authenticate'>;
  service: Pick<WorkflowService, 'getRunDetail' | 'cancelRun' | 'decide' | 'createRun'>;
  feed: RunFeedView;
  sealer: SessionSealer;
  /** Child objects and logs of the run page; without it the page shows status only. */
  artifacts?: RunArtifactsSource;
  /** Suppression and duplicate counts for the overview (this replica's counters). */
  alertCounters?: () => Promise<AlertCounters>;
  sessionMaxAgeSeconds?: number;
  heartbeatMs?: number;
  maxBodyBytes?: number;
  now?: () => Date;
}

const NOTICES: Readonly<Record<string, string>> = {
  approved: 'Approved: the run starts its steps.',
  rejected: 'Rejected: the run ends without starting a step.',
  cancelled: 'Cancellation requested: running steps are stopped.',
  rerun: 'This run was created as a re-run.',
};

const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'"],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  objectSrc: ["'none'"],
};

function html(c: Context<UiEnv>, body: string, status: ContentfulStatusCode = 200): Response {
  return c.html(body, status);
}

function callerOf(c: Context<UiEnv>) {
  const caller = c.var.ui.caller;
  if (!caller) throw new HttpError({ status: 401, code: 'Unauthorized', message: 'log in first' });
  // The UI is a client of the on-demand API: runs record the channel as `api`.
  return { ...caller, via: 'api' as const };
}

function formString(form: Record<string, unknown>, name: string, max = 1024): string | undefined {
  const value = form[name];
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed.slice(0, max);
}

function actionsFor(c: Context<UiEnv>, run: WorkflowExecution) {
  const caller = c.var.ui.caller;
  const may = (scope: Scope): boolean => caller !== undefined && hasScope(caller, scope);
  const phase = run.status?.phase;
  const active = !run.spec.cancel && !(phase !== undefined && TERMINAL_RUN_PHASES.has(phase));
  const waiting = run.spec.approval?.required === true && run.spec.approval.decision === undefined;
  return {
    decide: active && waiting && may('approve'),
    cancel: active && may('run'),
    rerun: may('admin'),
  };
}

export function uiRoutes(options: UiRoutesOptions): Hono<UiEnv> {
  const { credentials, service, feed, sealer } = options;
  const now = options.now ?? (() => new Date());
  const maxAge = options.sessionMaxAgeSeconds ?? 8 * 3600;
  const ui = new Hono<UiEnv>();
  const layoutOf = (c: Context<UiEnv>) => ({
    caller: c.var.ui.caller,
    csrfToken: c.var.ui.csrfToken,
  });
  const body = limitBodySize({ maxBytes: options.maxBodyBytes ?? 16 * 1024 });
  const csrf = checkUiCsrf(sealer);

  ui.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: CONTENT_SECURITY_POLICY,
      xFrameOptions: 'DENY',
      referrerPolicy: 'no-referrer',
      permissionsPolicy: { camera: [], microphone: [], geolocation: [] },
    }),
  );
  ui.get('/assets/:file', (c) => serveUiAsset(c, c.req.param('file')));
  ui.use('*', loadUiSession({ credentials, sealer, now: () => now().getTime() }));
  ui.use('*', async function noStore(c, next) {
    await next();
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
  });

  ui.get('/login', async (c) => {
    const next = safeUiPath(c.req.query('next'));
    if (c.var.ui.caller) return c.redirect(next, 303);
    return html(c, await renderDocument(loginPage({ csrfToken: c.var.ui.csrfToken, next })));
  });

  ui.post('/login', body, csrf, async function logIn(c) {
    const form = await c.req.parseBody();
    const next = safeUiPath(formString(form, 'next', 2048));
    const token = formString(form, 'token', 4096) ?? '';
    const caller = token === '' ? undefined : credentials.authenticate({ kind: 'bearer', token });
    const refuse = async (status: 401 | 403, error: string) =>
      html(
        c,
        await renderDocument(loginPage({ csrfToken: c.var.ui.csrfToken, next, error })),
        status,
      );
    if (!caller) return refuse(401, 'That token is not accepted (unknown or revoked).');
    if (!hasScope(caller, 'read')) return refuse(403, `${caller.name} lacks the "read" scope.`);
    startUiSession(c, sealer, sealer.newSession(token, now().getTime(), maxAge * 1000), maxAge);
    c.var.logger.info({ caller: caller.name }, 'ui login');
    return c.redirect(next, 303);
  });

  ui.post('/logout', body, csrf, (c) => {
    endUiSession(c);
    return c.redirect('/ui/login', 303);
  });

  ui.get('/', requireUiScope('read'), async function listRuns(c) {
    const filters = filtersOf(c);
    const all = feed.list().map((run) => summarizeRun(run, now()));
    const matching = all.filter((run) => matchesFilters(run, filters)).sort(compareNewestFirst);
    const query = new URLSearchParams(
      Object.entries(filters).filter((entry): entry is [string, string] => entry[1] !== undefined),
    ).toString();
    const page = runsPage(layoutOf(c), {
      rows: matching.slice(0, ROW_LIMIT),
      hidden: Math.max(0, matching.length - ROW_LIMIT),
      filters,
      choices: {
        template: distinctValues(all, 'template'),
        target: distinctValues(all, 'target'),
        backend: distinctValues(all, 'backend'),
      },
      liveUrl: `/ui/events${query ? `?${query}` : ''}`,
    });
    return html(c, await renderDocument(page));
  });

  ui.get('/events', requireUiScope('read'), (c) =>
    streamRunEvents(c, {
      feed,
      now,
      heartbeatMs: options.heartbeatMs ?? 15_000,
      snapshotLimit: ROW_LIMIT,
    }),
  );

  ui.get('/runs/:namespace/:name', requireUiScope('read'), async function showRun(c) {
    const { namespace, name } = c.req.param();
    const { run, events } = await service.getRunDetail(namespace, name);
    let artifacts: StepArtifacts[] = [];
    try {
      artifacts = (await options.artifacts?.read(run)) ?? [];
    } catch (error) {
      c.var.logger.warn({ err: error }, 'run artifacts not read');
    }
    const notice = NOTICES[c.req.query('done') ?? ''];
    const page = runPage(layoutOf(c), {
      run,
      events,
      artifacts,
      actions: actionsFor(c, run),
      notice,
      liveUrl: `/ui/events?run=${encodeURIComponent(`${namespace}/${name}`)}`,
      now: now(),
      rerunKey: `ui-rerun-${randomUUID()}`,
    });
    return html(c, await renderDocument(page));
  });

  const decided = { approve: 'Approved', reject: 'Rejected' } as const;
  for (const verb of ['approve', 'reject'] as const) {
    ui.post(`/runs/:namespace/:name/${verb}`, body, requireUiScope('approve'), csrf, async (c) => {
      const { namespace, name } = c.req.param();
      const reason = formString(await c.req.parseBody(), 'reason');
      await service.decide(callerOf(c), namespace, name, decided[verb], reason);
      return c.redirect(
        `${runHref(namespace, name)}?done=${verb === 'approve' ? 'approved' : 'rejected'}`,
        303,
      );
    });
  }

  ui.post('/runs/:namespace/:name/cancel', body, requireUiScope('run'), csrf, async (c) => {
    const { namespace, name } = c.req.param();
    await service.cancelRun(callerOf(c), namespace, name);
    return c.redirect(`${runHref(namespace, name)}?done=cancelled`, 303);
  });

  ui.post('/runs/:namespace/:name/rerun', body, requireUiScope('admin'), csrf, async (c) => {
    const { namespace, name } = c.req.param();
    const key = formString(await c.req.parseBody(), 'key', 255);
    const { run } = await service.getRunDetail(namespace, name);
    const { spec } = run;
    const { run: created } = await service.createRun(
      callerOf(c),
      {
        namespace,
        workflow: {
          workflowType: spec.workflowType,
          steps: spec.steps,
          ...(spec.timeout === undefined ? {} : { timeout: spec.timeout }),
          ...(spec.target === undefined ? {} : { target: spec.target }),
        },
        requireApproval: spec.approval?.required ?? false,
        dryRun: spec.dryRun,
      },
      key,
    );
    const target = runHref(created.metadata.namespace ?? namespace, created.metadata.name ?? '');
    return c.redirect(`${target}?done=rerun`, 303);
  });

  ui.get('/overview', requireUiScope('read'), async function showOverview(c) {
    const counters = (await options.alertCounters?.()) ?? { suppressed: [], duplicates: [] };
    const page = overviewPage(layoutOf(c), {
      overview: summarizeOverview(feed.list(), now()),
      suppressions: counters.suppressed,
      duplicates: counters.duplicates,
    });
    return html(c, await renderDocument(page));
  });

  ui.all('*', () => {
    throw new HttpError({ status: 404, code: 'NotFound', message: 'no such page' });
  });

  ui.onError(async (error, c) => {
    let status: ContentfulStatusCode;
    let code: string;
    let message: string;
    if (error instanceof HTTPException) {
      // Hono's own middleware (the origin check) refuses with an HTTPException.
      status = error.status;
      code = status === 403 ? 'CrossOriginRefused' : 'Refused';
      message = status === 403 ? 'the request did not come from this site' : error.message;
    } else {
      const { httpError, unexpected } = toHttpError(error);
      if (unexpected) c.var.logger.error({ err: error }, 'unexpected error in the UI');
      for (const [header, value] of Object.entries(httpError.headers)) c.header(header, value);
      ({ status, code, message } = httpError);
    }
    if (c.req.header('Accept')?.includes('text/event-stream')) return c.text(message, status);
    const session = c.get('ui') as UiEnv['Variables']['ui'] | undefined;
    const page = errorPage({
      title: status === 404 ? 'Not found' : 'Request refused',
      caller: session?.caller,
      csrfToken: session?.csrfToken ?? '',
      status,
      code,
      message,
    });
    return html(c, await renderDocument(page), status);
  });
  return ui;
}
