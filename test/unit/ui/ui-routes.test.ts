/** The web UI over app.request(): auth, scopes, CSRF, headers, escaping, actions, SSE. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WorkflowExecution } from '../../../src/api/workflow-execution.ts';
import {
  cookieHeader,
  cookiesOf,
  csrfOf,
  login,
  ORIGIN,
  postForm,
  uiApp,
} from '../../fixtures/ui-app.ts';

const IMAGE = `registry.local/a@sha256:${'1'.repeat(64)}`;
const XSS = '<script>alert("x")</script>';

function sampleRun(
  name: string,
  overrides: Partial<WorkflowExecution['spec']> = {},
): WorkflowExecution {
  return {
    apiVersion: 'kubernaut.ai/v1alpha1',
    kind: 'WorkflowExecution',
    metadata: { name, namespace: 'default', creationTimestamp: '2026-01-15T09:59:00Z' },
    spec: {
      workflowType: 'restart',
      steps: [
        {
          name: 'scale',
          actionType: 'kubernetes/scale_deployment',
          image: IMAGE,
          inputs: { replicas: 3 },
          runAfter: [],
          usesWorkspace: false,
        },
        {
          name: 'verify',
          actionType: 'kubernetes/wait_rollout',
          image: IMAGE,
          inputs: {},
          runAfter: ['scale'],
          usesWorkspace: false,
        },
      ],
      cancel: false,
      dryRun: false,
      approval: { required: true },
      source: {
        type: 'alert',
        alert: {
          fingerprint: 'abc',
          labels: { alertname: 'KubePodCrashLooping', pod: XSS },
          annotations: {
            summary: `it's "quoted" & <b>bold</b>`,
            runbook: '"><img src=x onerror=alert(1)>',
          },
          startsAt: '2026-01-15T09:58:00Z',
          generatorURL: 'javascript:alert(document.cookie)',
        },
      },
      ...overrides,
    },
    status: {
      phase: 'AwaitingApproval',
      steps: [
        {
          name: 'scale',
          phase: 'Succeeded',
          attempt: 1,
          outputs: { note: XSS, url: 'javascript:alert(1)' },
        },
      ],
      conditions: [],
    },
  };
}

const get = (app: ReturnType<typeof uiApp>['app'], path: string, cookies?: Map<string, string>) =>
  app.request(`${ORIGIN}${path}`, cookies ? { headers: { Cookie: cookieHeader(cookies) } } : {});

describe('web UI: authentication and scopes', () => {
  it('sends a browser without a session to the login page, keeping where it was going', async () => {
    const { app } = uiApp();
    for (const path of ['/ui', '/ui/overview', '/ui/runs/default/x?done=approved']) {
      const response = await get(app, path);
      assert.equal(response.status, 303, path);
      assert.equal(response.headers.get('Location'), `/ui/login?next=${encodeURIComponent(path)}`);
    }
    const events = await get(app, '/ui/events');
    assert.equal(events.status, 303, 'no stream without a session');
  });

  it('serves a login form whose control is labelled and whose cookies script cannot read', async () => {
    const { app } = uiApp();
    const response = await get(app, '/ui/login');
    assert.equal(response.status, 200);
    const html = await response.text();
    assert.match(html, /<label for="token">API token<\/label>/);
    assert.match(html, /<input id="token" name="token" type="password"/);
    const csrfCookie = response.headers
      .getSetCookie()
      .find((c) => c.startsWith('kubernaut_ui_csrf='));
    assert.match(csrfCookie ?? '', /HttpOnly/);
    assert.match(csrfCookie ?? '', /SameSite=Strict/);
    assert.match(csrfCookie ?? '', /Path=\/ui/);
  });

  it('logs in with a token: a sealed HttpOnly SameSite=Strict cookie, Secure behind HTTPS', async () => {
    const { app } = uiApp();
    const page = await get(app, '/ui/login');
    const cookies = cookiesOf(page);
    const csrf = csrfOf(await page.text());
    const response = await app.request(`${ORIGIN}/ui/login`, {
      method: 'POST',
      headers: {
        Origin: 'https://dispatcher.test',
        Host: 'dispatcher.test',
        'X-Forwarded-Proto': 'https',
        Cookie: cookieHeader(cookies),
      },
      body: new URLSearchParams({
        _csrf: csrf,
        token: 'reader-token-0123456789',
        next: '/ui/overview',
      }),
    });
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('Location'), '/ui/overview');
    const session = response.headers
      .getSetCookie()
      .find((c) => c.startsWith('kubernaut_ui_session='));
    assert.ok(session);
    for (const flag of [/HttpOnly/, /SameSite=Strict/, /Secure/, /Path=\/ui/, /Max-Age=\d+/])
      assert.match(session, flag);
    assert.ok(!session.includes('reader-token'), 'the token is sealed, not stored as is');
  });

  it('refuses an unknown token (401) and a token without read (403), setting no session', async () => {
    const { app } = uiApp();
    for (const [token, status, message] of [
      ['wrong-token-0123456789', 401, /not accepted/],
      ['alerts-token-0123456789', 403, /alerts-only lacks the &quot;read&quot; scope/],
    ] as const) {
      const page = await get(app, '/ui/login');
      const response = await postForm(app, '/ui/login', cookiesOf(page), {
        _csrf: csrfOf(await page.text()),
        token,
      });
      assert.equal(response.status, status);
      assert.match(await response.text(), message);
      assert.ok(
        !response.headers.getSetCookie().some((c) => c.startsWith('kubernaut_ui_session=')),
      );
    }
  });

  it('does not redirect off-site after login', async () => {
    const { app } = uiApp();
    const page = await get(app, '/ui/login');
    const response = await postForm(app, '/ui/login', cookiesOf(page), {
      _csrf: csrfOf(await page.text()),
      token: 'reader-token-0123456789',
      next: '//evil.example/ui',
    });
    assert.equal(response.headers.get('Location'), '/ui');
  });

  it('answers 403 to a button the token has no scope for, and shows no such button', async () => {
    const { app, feed, calls } = uiApp();
    feed.put(sampleRun('r1'));
    const { cookies, csrf } = await login(app, 'reader-token-0123456789');
    const page = await (await get(app, '/ui/runs/default/r1', cookies)).text();
    assert.ok(!page.includes('/approve"'), 'no approve form for a reader');
    assert.ok(!page.includes('/cancel"'));
    for (const verb of ['approve', 'reject', 'cancel', 'rerun']) {
      const response = await postForm(app, `/ui/runs/default/r1/${verb}`, cookies, { _csrf: csrf });
      assert.equal(response.status, 403, verb);
      assert.match(await response.text(), /reader lacks the/);
    }
    assert.deepEqual(calls, []);
  });

  it('ends the session when its token is revoked, and on logout', async () => {
    const { app } = uiApp();
    const { cookies, csrf } = await login(app, 'operator-token-0123456789');
    assert.equal((await get(app, '/ui', cookies)).status, 200);
    const out = await postForm(app, '/ui/logout', cookies, { _csrf: csrf });
    assert.equal(out.status, 303);
    const cleared = out.headers.getSetCookie().find((c) => c.startsWith('kubernaut_ui_session='));
    assert.match(cleared ?? '', /Max-Age=0/);
  });
});

describe('web UI: CSRF', () => {
  it('refuses a POST without the token, with a wrong one, from another site or another session', async () => {
    const { app, feed, calls } = uiApp();
    feed.put(sampleRun('r1'));
    const { cookies, csrf } = await login(app, 'approver-token-0123456789');
    const other = await login(app, 'admin-token-0123456789');
    const attempts: [string, Record<string, string>, string | undefined, RegExp][] = [
      ['missing', {}, undefined, /CsrfTokenMissing/],
      ['wrong', { _csrf: 'x'.repeat(43) }, undefined, /CsrfTokenInvalid/],
      ["another session's", { _csrf: other.csrf }, undefined, /CsrfTokenInvalid/],
      ['cross-site', { _csrf: csrf }, 'https://evil.example', /CrossOriginRefused/],
    ];
    for (const [name, fields, origin, code] of attempts) {
      const response = await postForm(app, '/ui/runs/default/r1/approve', cookies, fields, origin);
      assert.equal(response.status, 403, name);
      assert.match(await response.text(), code, name);
    }
    assert.deepEqual(calls, [], 'nothing was decided');
    const ok = await postForm(app, '/ui/runs/default/r1/approve', cookies, {
      _csrf: csrf,
      reason: 'looks right',
    });
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.get('Location'), '/ui/runs/default/r1?done=approved');
    assert.deepEqual(calls, [
      { method: 'decide', caller: 'approver', args: ['default', 'r1', 'Approved', 'looks right'] },
    ]);
  });

  it('refuses a login POST without its token (no login CSRF)', async () => {
    const { app } = uiApp();
    const page = await get(app, '/ui/login');
    const response = await postForm(app, '/ui/login', cookiesOf(page), {
      token: 'reader-token-0123456789',
    });
    assert.equal(response.status, 403);
  });
});

describe('web UI: actions', () => {
  it('cancels with run, rejects with approve, re-runs the same spec with admin', async () => {
    const { app, feed, calls } = uiApp();
    feed.put(sampleRun('r1'));
    feed.put(sampleRun('created-by-rerun'));
    const operator = await login(app, 'operator-token-0123456789');
    assert.equal(
      (
        await postForm(app, '/ui/runs/default/r1/cancel', operator.cookies, {
          _csrf: operator.csrf,
        })
      ).status,
      303,
    );
    const approver = await login(app, 'approver-token-0123456789');
    await postForm(app, '/ui/runs/default/r1/reject', approver.cookies, { _csrf: approver.csrf });
    const admin = await login(app, 'admin-token-0123456789');
    const page = await (await get(app, '/ui/runs/default/r1', admin.cookies)).text();
    const key = /name="key" value="([^"]+)"/.exec(page)?.[1] ?? '';
    assert.ok(key.startsWith('ui-rerun-'));
    const rerun = await postForm(app, '/ui/runs/default/r1/rerun', admin.cookies, {
      _csrf: admin.csrf,
      key,
    });
    assert.equal(rerun.headers.get('Location'), '/ui/runs/default/created-by-rerun?done=rerun');
    assert.deepEqual(
      calls.map((call) => [call.method, call.caller]),
      [
        ['cancelRun', 'operator'],
        ['decide', 'approver'],
        ['createRun', 'admin'],
      ],
    );
    const [request, idempotencyKey] = calls[2]?.args ?? [];
    assert.equal(idempotencyKey, key);
    assert.deepEqual(request, {
      namespace: 'default',
      workflow: { workflowType: 'restart', steps: sampleRun('r1').spec.steps },
      requireApproval: true,
      dryRun: false,
    });
  });

  it('renders a service refusal as a page with its status', async () => {
    const { app } = uiApp();
    const { cookies, csrf } = await login(app, 'approver-token-0123456789');
    const response = await postForm(app, '/ui/runs/default/missing/approve', cookies, {
      _csrf: csrf,
    });
    assert.equal(response.status, 404);
    assert.match(response.headers.get('Content-Type') ?? '', /text\/html/);
    assert.match(await response.text(), /WorkflowExecution default\/missing not found/);
  });
});

describe('web UI: headers and escaping', () => {
  it('sends a strict CSP and the security headers on every page, and no-store', async () => {
    const { app, feed } = uiApp();
    feed.put(sampleRun('r1'));
    const { cookies } = await login(app, 'admin-token-0123456789');
    for (const path of ['/ui/login', '/ui', '/ui/runs/default/r1', '/ui/overview', '/ui/nowhere']) {
      const response = await get(app, path, cookies);
      const csp = response.headers.get('Content-Security-Policy') ?? '';
      assert.match(csp, /default-src 'self'/, path);
      assert.match(csp, /script-src 'self'(;|$)/, path);
      assert.match(csp, /style-src 'self'(;|$)/, path);
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.ok(!csp.includes('unsafe-inline'), path);
      assert.equal(response.headers.get('X-Frame-Options'), 'DENY', path);
      assert.equal(response.headers.get('X-Content-Type-Options'), 'nosniff', path);
      assert.equal(response.headers.get('Referrer-Policy'), 'no-referrer', path);
      assert.equal(response.headers.get('Cache-Control'), 'no-store', path);
      const html = await response.text();
      assert.ok(!/<script(?![^>]*\ssrc=)[^>]*>/.test(html), `${path}: no inline script`);
      assert.ok(!/<[^>]*\sstyle=/.test(html), `${path}: no inline style`);
      assert.ok(!/<[^>]*\son[a-z]+=/i.test(html), `${path}: no inline event handler`);
    }
  });

  it('serves its two assets itself, and nothing else from the assets path', async () => {
    const { app } = uiApp();
    const script = await get(app, '/ui/assets/ui.js');
    assert.equal(script.status, 200);
    assert.match(script.headers.get('Content-Type') ?? '', /text\/javascript/);
    assert.match(await script.text(), /EventSource/);
    assert.match(
      (await get(app, '/ui/assets/ui.css')).headers.get('Content-Type') ?? '',
      /text\/css/,
    );
    assert.equal((await get(app, '/ui/assets/..%2F..%2Fpackage.json')).status, 404);
  });

  it('escapes labels, annotations and outputs, and links generatorURL only when it is http(s)', async () => {
    const { app, feed } = uiApp();
    feed.put(sampleRun('r1'));
    const { cookies } = await login(app, 'admin-token-0123456789');
    const html = await (await get(app, '/ui/runs/default/r1', cookies)).text();
    assert.ok(!html.includes(XSS), 'no live <script> from a label or an output');
    assert.ok(!html.includes('<img src=x'), 'no element from an annotation');
    assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'), 'shown as text');
    assert.ok(html.includes('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(html.includes('it&#39;s &quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;'));
    assert.ok(!/href="\s*javascript:/i.test(html), 'no javascript: link');
    assert.match(html, /not an http\(s\) link: <code>javascript:alert\(document.cookie\)<\/code>/);

    const safe = sampleRun('r2');
    if (safe.spec.source?.type === 'alert')
      safe.spec.source.alert.generatorURL = 'https://prom.example/graph?g0.expr=up&x="1"';
    feed.put(safe);
    const linked = await (await get(app, '/ui/runs/default/r2', cookies)).text();
    assert.match(
      linked,
      /<a href="https:\/\/prom.example\/graph\?g0.expr=up&amp;x=%221%22" rel="noopener noreferrer" target="_blank">/,
    );
  });

  it('escapes in the runs list and the search box too', async () => {
    const { app, feed } = uiApp();
    feed.put(sampleRun('r1', { target: 'default/Deployment/x' }));
    const { cookies } = await login(app, 'reader-token-0123456789');
    const html = await (
      await get(app, `/ui?q=${encodeURIComponent('"><script>alert(1)</script>')}`, cookies)
    ).text();
    assert.ok(!html.includes('<script>alert(1)'));
    assert.match(html, /value="&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;"/);
  });

  it('draws the DAG with every step, edge, phase text and a title', async () => {
    const { app, feed } = uiApp();
    feed.put(sampleRun('r1'));
    const { cookies } = await login(app, 'reader-token-0123456789');
    const html = await (await get(app, '/ui/runs/default/r1', cookies)).text();
    assert.match(html, /<svg[^>]*role="img"[^>]*aria-labelledby="dag-title dag-desc"/);
    assert.match(html, /<title id="dag-title">Steps of default\/r1<\/title>/);
    assert.match(html, /class="dag-node phase-Succeeded" data-step="scale"/);
    assert.match(html, /class="dag-node phase-Pending" data-step="verify"/);
    assert.match(html, /data-from="scale" data-to="verify"/);
    assert.match(html, /<text[^>]*class="dag-phase">Succeeded · try 1<\/text>/);
  });
});

describe('web UI: live updates (SSE)', () => {
  it('streams a changed run as an escaped row, bounded, and lets go on disconnect', async () => {
    const { app, feed } = uiApp({ heartbeatMs: 60_000 });
    feed.maxListeners = 1;
    const { cookies } = await login(app, 'reader-token-0123456789');
    const response = await get(app, '/ui/events?phase=AwaitingApproval', cookies);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('Content-Type') ?? '', /text\/event-stream/);
    assert.equal(feed.listeners, 1);
    const full = await get(app, '/ui/events', cookies);
    assert.equal(full.status, 503, 'one stream at most');
    assert.equal(full.headers.get('Retry-After'), '10');

    const reader = (response.body as ReadableStream<Uint8Array> | null)?.getReader();
    assert.ok(reader);
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (pattern: RegExp): Promise<string> => {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${String(pattern)}: ${text}`);
        text += decoder.decode(value);
      }
      return text;
    };
    await readUntil(/event: ready/);
    feed.put(sampleRun('live-run', { target: 'default/Deployment/<b>' }));
    await readUntil(/event: upsert\ndata: .*live-run.*\n\n/);
    const data = /event: upsert\ndata: (.*)\n/.exec(text)?.[1] ?? '';
    const { id, html } = JSON.parse(data) as { id: string; html: string };
    assert.equal(id, 'run:default/live-run');
    assert.match(html, /^<tr id="run:default\/live-run"/);
    assert.ok(html.includes('default/Deployment/&lt;b&gt;') && !html.includes('<b>'));
    // No longer matching the filter: the row is removed from the page.
    const done = sampleRun('live-run');
    done.status = { phase: 'Succeeded', steps: [], conditions: [] };
    feed.put(done);
    await readUntil(/event: remove\ndata: \{"id":"run:default\/live-run"\}/);
    await reader.cancel();
    await waitFor(() => feed.listeners === 0);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  // The stream's abort callback runs on a later turn; yield until it has.
  for (let turn = 0; turn < 1000 && !condition(); turn++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  assert.ok(condition(), 'condition never held');
}
