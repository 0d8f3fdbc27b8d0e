/**
 * The web UI in a real browser (Debian's Chromium through playwright-core) against the
 * dispatcher wired as `npm start` wires it, on the embedded cluster: log in, see a run appear
 * live when Alertmanager posts an alert, open it, see the DAG, approve it and watch its steps
 * turn Succeeded without a reload; cancel another run; an auth failure without a token; a
 * CSRF failure for a forged POST; accessibility checks (axe-core, labels, titles, ids) under
 * the strict CSP. Screenshots of the list and the run page are saved as test artifacts.
 */
import assert from 'node:assert/strict';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CustomObjectsApi } from '@kubernetes/client-node';
import axe from 'axe-core';
import type { Browser, Page } from 'playwright-core';
import { actionScript } from '../../fixtures/action-script.ts';
import { webhookBody } from '../../fixtures/alert-templates.ts';
import { chromiumMissing, launchChromium } from '../../fixtures/chromium.ts';
import { ONCALL_TOKEN, startUiStack, type UiStack } from '../../fixtures/ui-stack.ts';
import { scriptImage } from '../../integration/cluster/start-local-cluster.ts';

const ARTIFACTS = process.env.KUBERNAUT_TEST_ARTIFACTS ?? join(tmpdir(), 'kubernaut-ui-artifacts');
/** Set to refresh docs/ui-run.png from this test. */
const DOCS_SCREENSHOT = process.env.UI_DOCS_SCREENSHOT === '1';

interface AxeResults {
  violations: { id: string; impact?: string; nodes: { target: string[] }[] }[];
}

/** Checks of our own, run in the page: labelled controls, titled SVGs, unique ids. */
const OWN_CHECKS = `(() => {
  const found = [];
  for (const control of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
    const labelled =
      (control.id && document.querySelector('label[for="' + control.id + '"]')) ||
      control.getAttribute('aria-label') ||
      control.closest('label');
    if (!labelled) found.push('unlabelled control ' + control.outerHTML.slice(0, 80));
  }
  for (const svg of document.querySelectorAll('svg')) {
    if (!svg.querySelector(':scope > title')) found.push('an svg without a title');
  }
  const ids = [...document.querySelectorAll('[id]')].map((element) => element.id);
  for (const id of new Set(ids)) {
    if (ids.filter((other) => other === id).length > 1) found.push('duplicate id ' + id);
  }
  return found;
})()`;

/** axe-core's WCAG 2 A/AA rules plus our own checks; returns what is wrong, empty when nothing. */
async function accessibilityProblems(page: Page): Promise<string[]> {
  // Injected through DevTools, which the page's CSP does not govern (a <script> tag would be refused).
  await page.evaluate(axe.source);
  const results = await page.evaluate<AxeResults>(
    "axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice'] })",
  );
  const problems = results.violations.map(
    (violation) =>
      `${violation.id} (${violation.impact ?? '?'}): ${violation.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
  const own = await page.evaluate<string[]>(OWN_CHECKS);
  return [...problems, ...own];
}

/** One attribute of every element a selector finds (the tests have no DOM types). */
async function attributesOf(page: Page, selector: string, name: string): Promise<string[]> {
  const elements = await page.locator(selector).all();
  return Promise.all(elements.map(async (element) => (await element.getAttribute(name)) ?? ''));
}

async function screenshot(page: Page, name: string): Promise<string> {
  const file = join(ARTIFACTS, name);
  await page.screenshot({ path: file, fullPage: true });
  assert.ok((await stat(file)).size > 5_000, `${name} is a real picture`);
  return file;
}

describe('web UI in Chromium', { skip: chromiumMissing() }, () => {
  let stack: UiStack;
  let browser: Browser;
  let page: Page;
  const cspViolations: string[] = [];
  let sleepImage = '';

  before(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    stack = await startUiStack({
      setup: async (harness) => {
        const echo = scriptImage(
          harness.cluster.catalog,
          'ui-browser-echo',
          actionScript('(inputs) => ({ ...inputs, done: true })'),
        );
        sleepImage = scriptImage(
          harness.cluster.catalog,
          'ui-browser-sleep',
          'setTimeout(() => {}, 120_000)',
        );
        await harness.cluster.kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
          group: 'kubernaut.ai',
          version: 'v1alpha1',
          namespace: 'default',
          plural: 'remediationtemplates',
          body: {
            apiVersion: 'kubernaut.ai/v1alpha1',
            kind: 'RemediationTemplate',
            metadata: { name: 'web-restart', namespace: 'default' },
            spec: {
              match: ['alertname="WebDown"'],
              workflowType: 'web-restart',
              target: 'default/Deployment/web',
              steps: [
                {
                  name: 'diagnose',
                  actionType: 'test/echo',
                  image: echo,
                  inputs: { pod: '{{ labels.pod }}' },
                },
                {
                  name: 'restart',
                  actionType: 'test/echo',
                  image: echo,
                  inputs: { why: '{{ annotations.summary }}' },
                  runAfter: ['diagnose'],
                },
                {
                  name: 'notify',
                  actionType: 'test/echo',
                  image: echo,
                  inputs: {},
                  runAfter: ['diagnose'],
                },
                {
                  name: 'verify',
                  actionType: 'test/echo',
                  image: echo,
                  inputs: {},
                  runAfter: ['restart', 'notify'],
                },
              ],
              guardrails: { approval: { required: true } },
            },
          },
        });
      },
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('asks for a token, refuses a wrong one, and logs in', async () => {
    await page.goto(`${stack.url}/ui`);
    assert.match(page.url(), /\/ui\/login\?next=%2Fui$/);
    assert.deepEqual(await accessibilityProblems(page), []);
    await page.getByLabel('API token').fill('not-a-token-at-all');
    await page.getByRole('button', { name: 'Log in' }).click();
    assert.match(await page.getByRole('alert').innerText(), /not accepted/);
    await page.getByLabel('API token').fill(ONCALL_TOKEN);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Remediation runs' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/ui');
    const cookies = await page.context().cookies();
    const session = cookies.find((cookie) => cookie.name === 'kubernaut_ui_session');
    assert.equal(session?.httpOnly, true);
    assert.equal(session?.sameSite, 'Strict');
    assert.equal(await page.evaluate('document.cookie'), '', 'no cookie is readable by script');
  });

  it('shows a run appear live when Alertmanager posts an alert', async () => {
    await page.getByText('Live: updates appear as runs change.').waitFor();
    await page.evaluate('window.__notReloaded = true');
    const response = await fetch(`${stack.url}/api/v1/webhooks/alertmanager`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ONCALL_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(
        webhookBody([
          {
            labels: { alertname: 'WebDown', namespace: 'default', pod: 'web-1' },
            annotations: { summary: 'web is down <b>now</b>' },
            startsAt: new Date().toISOString(),
          },
        ]),
      ),
    });
    assert.equal(response.status, 200, await response.text());
    const row = page.locator('#run-rows tr', { hasText: 'web-restart' });
    await row.waitFor();
    await page.locator('#run-rows tr[data-phase="AwaitingApproval"]').waitFor();
    assert.equal(
      await page.evaluate('window.__notReloaded'),
      true,
      'the row came without a reload',
    );
    assert.match(await row.innerText(), /WebDown/);
    assert.match(await row.innerText(), /default\/Deployment\/web/);
    assert.deepEqual(await accessibilityProblems(page), []);
    await screenshot(page, 'ui-runs.png');
  });

  it('opens the run: its DAG, alert and steps; approves it and sees it succeed live', async () => {
    await page.locator('#run-rows tr', { hasText: 'web-restart' }).getByRole('link').click();
    await page.locator('svg.dag').waitFor();
    const nodes = await attributesOf(page, 'svg.dag .dag-node', 'data-step');
    assert.deepEqual([...nodes].sort(), ['diagnose', 'notify', 'restart', 'verify']);
    const from = await attributesOf(page, 'svg.dag .dag-edge', 'data-from');
    const to = await attributesOf(page, 'svg.dag .dag-edge', 'data-to');
    const edges = from.map((name, index) => `${name}->${to[index] ?? ''}`);
    assert.deepEqual(edges.sort(), [
      'diagnose->notify',
      'diagnose->restart',
      'notify->verify',
      'restart->verify',
    ]);
    assert.match(await page.locator('#alert-heading + dl').innerText(), /open the alert source/);
    assert.match(await page.content(), /web is down &lt;b&gt;now&lt;\/b&gt;/);
    assert.deepEqual(await accessibilityProblems(page), []);

    await page.evaluate('window.__notReloaded = true');
    await page.getByLabel('Reason (optional)').first().fill('checked the dashboards');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('Approved: the run starts its steps.').waitFor();
    await page.locator('#run-live[data-phase="Succeeded"]').waitFor({ timeout: 30_000 });
    const phases = await attributesOf(page, 'svg.dag .dag-node', 'data-phase');
    assert.deepEqual(phases, ['Succeeded', 'Succeeded', 'Succeeded', 'Succeeded']);
    assert.match(
      await page.locator('#run-live').innerText(),
      /Approved by oncall: checked the dashboards/,
    );
    const file = await screenshot(page, 'ui-run.png');
    if (DOCS_SCREENSHOT) {
      await page.setViewportSize({ width: 1000, height: 700 });
      await page
        .locator('#run-live')
        .screenshot({ path: join(import.meta.dirname, '../../../docs/ui-run.png') });
    }
    assert.ok(file);
  });

  it('cancels a running run', async () => {
    await stack.harness.submit('ui-browser-long', [
      { name: 'wait', actionType: 'test/sleep', image: sleepImage },
    ]);
    await page.goto(`${stack.url}/ui/runs/default/ui-browser-long`);
    await page.locator('#run-live .dag-node[data-phase="Running"]').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page.getByText('Cancellation requested').waitFor();
    await page.locator('#run-live[data-phase="Cancelled"]').waitFor({ timeout: 30_000 });
  });

  it('refuses a forged POST (no CSRF token) and a browser without a session', async () => {
    // A script on the page (as injected markup would run) posting without the form's token.
    const status = await page.evaluate<string>(`fetch('/ui/runs/default/ui-browser-long/cancel', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'reason=forged',
    }).then(async (response) => response.status + ' ' + (await response.text()))`);
    assert.match(status, /^403 [\s\S]*CsrfTokenMissing/);

    const stranger = await browser.newPage();
    await stranger.goto(`${stack.url}/ui/runs/default/ui-browser-long`);
    assert.match(stranger.url(), /\/ui\/login\?next=/);
    await stranger.close();
    assert.deepEqual(cspViolations, [], 'nothing the pages do is refused by their CSP');
  });

  it('is usable on a phone: no horizontal scroll on the runs list', async () => {
    const phone = await browser.newPage({ viewport: { width: 375, height: 740 } });
    await phone.context().addCookies(await page.context().cookies());
    await phone.goto(`${stack.url}/ui`);
    await phone.locator('#run-rows tr').first().waitFor();
    const overflow = await phone.evaluate(
      'document.documentElement.scrollWidth - window.innerWidth',
    );
    assert.ok((overflow as number) <= 0, `the page is ${String(overflow)}px wider than the phone`);
    await writeFile(join(ARTIFACTS, 'ui-phone.png'), await phone.screenshot({ fullPage: true }));
    await phone.close();
  });
});
