/**
 * The on-demand API over `app.request()` against the V1 engine on the embedded cluster: a
 * template run held for approval, approved by someone else and run to Succeeded by a script
 * image; idempotent retries; every error code; filters and pagination on the API server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Hono } from 'hono';
import { createApp } from '../../../handlers/app.ts';
import type { AppEnv } from '../../../handlers/app-env.ts';
import type { WorkflowExecution } from '../../../src/api/workflow-execution.ts';
import { CredentialStore } from '../../../src/auth/credential-store.ts';
import type { Scope } from '../../../src/auth/scopes.ts';
import { slackUsersSchema } from '../../../src/chatops/slack-users.ts';
import { signSlackRequest } from '../../../src/chatops/verify-slack-signature.ts';
import { RunStore } from '../../../src/ondemand/run-store.ts';
import { WorkflowService } from '../../../src/ondemand/workflow-service.ts';
import { waitForObject } from '../../fixtures/wait-for-object.ts';
import { scriptImage } from '../cluster/start-local-cluster.ts';
import { RUNS, startEngineHarness, type EngineHarness } from '../engine/engine-harness.ts';

const TOKENS: Record<string, { token: string; scopes: Scope[] }> = {
  requester: { token: 'requester-token-0123456789', scopes: ['run', 'read'] },
  approver: { token: 'approver-token-0123456789', scopes: ['approve', 'read'] },
  admin: { token: 'admin-token-0123456789', scopes: ['admin'] },
  reader: { token: 'reader-token-0123456789', scopes: ['read'] },
};

interface ErrorBody {
  error: string;
  message: string;
  details?: { field: string; message: string }[];
}

describe('on-demand API on the embedded cluster', () => {
  let harness: EngineHarness;
  let app: Hono<AppEnv>;
  let echo = '';
  let created = 0;

  const call = async (
    who: string,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await app.request(path, {
      method,
      headers: {
        Authorization: `Bearer ${TOKENS[who]?.token ?? 'none'}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: await response.json(),
    };
  };
  const phaseIs = (name: string, phase: string) =>
    waitForObject<WorkflowExecution>(
      harness.cluster.kc,
      RUNS,
      name,
      (run) => run.status?.phase === phase,
      20_000,
    );

  before(async () => {
    harness = await startEngineHarness();
    echo = scriptImage(
      harness.cluster.catalog,
      'echo-api',
      `console.log(JSON.stringify(JSON.parse(process.env.ACTION_INPUTS)));`,
    );
    const template = (name: string, approval: boolean) => ({
      apiVersion: 'kubernaut.ai/v1alpha1',
      kind: 'RemediationTemplate',
      metadata: { name, namespace: 'default' },
      spec: {
        workflowType: 'echo',
        target: 'default/Deployment/{{ params.deployment }}',
        parameters: [
          { name: 'deployment', required: true, pattern: '[a-z0-9-]+' },
          { name: 'replicas', default: '2', pattern: '[0-9]+' },
        ],
        steps: [
          {
            name: 'say',
            actionType: 'test/echo',
            image: echo,
            inputs: { deployment: '{{ params.deployment }}', replicas: '{{ params.replicas }}' },
          },
        ],
        ...(approval ? { guardrails: { approval: { required: true } } } : {}),
      },
    });
    for (const body of [template('echo-approved', true), template('echo-direct', false)]) {
      await harness.customObjects.createNamespacedCustomObject({
        group: 'kubernaut.ai',
        version: 'v1alpha1',
        namespace: 'default',
        plural: 'remediationtemplates',
        body,
      });
    }
    const credentials = new CredentialStore(
      Object.entries(TOKENS).map(([name, { token, scopes }]) => ({
        kind: 'bearer' as const,
        secret: token,
        name,
        scopes,
      })),
    );
    app = createApp({
      readiness: [],
      credentials,
      workflows: {
        service: new WorkflowService({
          store: new RunStore(harness.cluster.kc),
          onRunCreated: () => {
            created++;
          },
        }),
        rateLimit: { perSecond: 1000, burst: 1000 },
        maxBodyBytes: 64 * 1024,
      },
    });
  });
  after(async () => {
    await harness.close();
  });

  it('holds a template run for approval, refuses the requester, runs once someone else approves', async () => {
    const createdRun = await call('requester', 'POST', '/api/v1/workflows', {
      template: 'echo-approved',
      parameters: { deployment: 'web' },
    });
    assert.equal(createdRun.status, 201, JSON.stringify(createdRun.body));
    const run = createdRun.body as WorkflowExecution;
    const name = run.metadata.name ?? '';
    assert.equal(createdRun.headers.get('Location'), `/api/v1/workflows/default/${name}`);
    assert.deepEqual(run.spec.source, {
      type: 'onDemand',
      caller: { name: 'requester', via: 'api' },
    });
    assert.equal(run.spec.target, 'default/Deployment/web');
    await phaseIs(name, 'AwaitingApproval');

    const self = await call('requester', 'POST', `/api/v1/workflows/default/${name}/approve`);
    assert.equal(self.status, 403, 'the requester lacks the approve scope');
    // Even with the scope, the requester may not approve: an admin-requested run proves it.
    const adminRun = await call('admin', 'POST', '/api/v1/workflows', {
      template: 'echo-approved',
      parameters: { deployment: 'api' },
    });
    const adminName = (adminRun.body as WorkflowExecution).metadata.name ?? '';
    const selfApproval = await call(
      'admin',
      'POST',
      `/api/v1/workflows/default/${adminName}/approve`,
    );
    assert.equal(selfApproval.status, 403);
    assert.equal((selfApproval.body as ErrorBody).error, 'SelfApproval');

    const approved = await call('approver', 'POST', `/api/v1/workflows/default/${name}/approve`, {
      reason: 'looks right',
    });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    const approval = (approved.body as WorkflowExecution).spec.approval;
    assert.equal(approval?.decision, 'Approved');
    assert.equal(approval?.decidedBy, 'approver');
    assert.equal(approval?.reason, 'looks right');
    const again = await call('approver', 'POST', `/api/v1/workflows/default/${name}/reject`);
    assert.equal(again.status, 409);
    assert.equal((again.body as ErrorBody).error, 'AlreadyDecided');

    await phaseIs(name, 'Succeeded');
    const detail = await call('reader', 'GET', `/api/v1/workflows/default/${name}`);
    assert.equal(detail.status, 200);
    const { run: finished, events } = detail.body as {
      run: WorkflowExecution;
      events: { reason: string }[];
    };
    assert.deepEqual(finished.status?.steps[0]?.outputs, { deployment: 'web', replicas: '2' });
    const reasons = events.map((event) => event.reason);
    for (const reason of ['AwaitingApproval', 'RunStarted', 'RunSucceeded']) {
      assert.ok(reasons.includes(reason), `events ${reasons.join(',')} lack ${reason}`);
    }

    const rejected = await call(
      'approver',
      'POST',
      `/api/v1/workflows/default/${adminName}/reject`,
      { reason: 'not now' },
    );
    assert.equal(rejected.status, 200);
    const cancelled = await phaseIs(adminName, 'Cancelled');
    assert.equal(
      cancelled.status?.conditions.find((c) => c.type === 'Succeeded')?.reason,
      'Rejected',
    );
    assert.deepEqual(
      cancelled.status?.steps.map((step) => step.phase),
      ['Skipped'],
    );
  });

  it('creates nothing twice for one Idempotency-Key; refuses the key for another request', async () => {
    const before = created;
    const body = { template: 'echo-direct', parameters: { deployment: 'cache' }, dryRun: true };
    const headers = { 'Idempotency-Key': 'retry-42' };
    const first = await call('requester', 'POST', '/api/v1/workflows', body, headers);
    const second = await call('requester', 'POST', '/api/v1/workflows', body, headers);
    assert.equal(first.status, 201);
    assert.equal(second.status, 201);
    assert.equal(second.headers.get('Idempotent-Replayed'), 'true');
    assert.equal(first.headers.get('Idempotent-Replayed'), null);
    const nameOf = (r: { body: unknown }) => (r.body as WorkflowExecution).metadata.name;
    assert.equal(nameOf(first), nameOf(second));
    assert.equal(created - before, 1);
    const other = await call(
      'requester',
      'POST',
      '/api/v1/workflows',
      { ...body, parameters: { deployment: 'other' } },
      headers,
    );
    assert.equal(other.status, 422);
    assert.equal((other.body as ErrorBody).error, 'IdempotencyKeyReused');
  });

  it('names every invalid field', async () => {
    const cases: [string, unknown, string[]][] = [
      [
        'unknown and missing parameters',
        { template: 'echo-direct', parameters: { deploy: 'x' } },
        ['parameters.deploy', 'parameters.deployment'],
      ],
      [
        'a pattern',
        { template: 'echo-direct', parameters: { deployment: 'Web!' } },
        ['parameters.deployment'],
      ],
      ['neither template nor workflow', { parameters: {} }, ['template']],
      ['an unknown field', { template: 'echo-direct', color: 'red' }, ['(root)']],
      [
        'an invalid ad-hoc workflow (every problem)',
        {
          workflow: {
            workflowType: 'fix',
            steps: [
              { name: 'a', actionType: 'x/y', image: 'nginx:latest', runAfter: ['b'] },
              { name: 'b', actionType: 'x/y', image: echo, runAfter: ['a'] },
            ],
          },
        },
        ['workflow.steps[0].image', 'workflow.steps'],
      ],
    ];
    for (const [label, body, fields] of cases) {
      const response = await call('admin', 'POST', '/api/v1/workflows', body);
      assert.equal(response.status, 400, label);
      const error = response.body as ErrorBody;
      assert.equal(error.error, 'InvalidRequest', label);
      const named = error.details?.map((detail) => detail.field) ?? [];
      for (const field of fields)
        assert.ok(named.includes(field), `${label}: ${named.join(', ')} lacks ${field}`);
    }
  });

  it('answers 401, 403, 404, 409, 413, 415 and 429 as documented', async () => {
    assert.equal((await app.request('/api/v1/workflows')).status, 401);
    const adHoc = {
      workflow: { workflowType: 'fix', steps: [{ name: 'a', actionType: 'x/y', image: echo }] },
    };
    const forbidden = await call('requester', 'POST', '/api/v1/workflows', adHoc);
    assert.equal(forbidden.status, 403);
    assert.match((forbidden.body as ErrorBody).message, /admin/);
    assert.equal(
      (await call('admin', 'POST', '/api/v1/workflows', { ...adHoc, dryRun: true })).status,
      201,
    );
    assert.equal((await call('reader', 'POST', '/api/v1/workflows', adHoc)).status, 403);
    const missing = await call('requester', 'POST', '/api/v1/workflows', { template: 'nope' });
    assert.equal(missing.status, 404);
    assert.equal((await call('reader', 'GET', '/api/v1/workflows/default/nope')).status, 404);
    const text = await app.request('/api/v1/workflows', {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${TOKENS.requester?.token ?? ''}`,
        'Content-Type': 'text/plain',
      },
      body: 'x',
    });
    assert.equal(text.status, 415);
    const large = await call('requester', 'POST', '/api/v1/workflows', {
      template: 'echo-direct',
      parameters: { deployment: 'x'.repeat(70_000) },
    });
    assert.equal(large.status, 413);

    const finished = await call('requester', 'POST', '/api/v1/workflows', {
      template: 'echo-direct',
      parameters: { deployment: 'done' },
      dryRun: true,
    });
    const name = (finished.body as WorkflowExecution).metadata.name ?? '';
    await phaseIs(name, 'Succeeded');
    const cancelFinished = await call(
      'requester',
      'POST',
      `/api/v1/workflows/default/${name}/cancel`,
    );
    assert.equal(cancelFinished.status, 409);
    assert.equal((cancelFinished.body as ErrorBody).error, 'AlreadyFinished');
    const notRequired = await call('approver', 'POST', `/api/v1/workflows/default/${name}/approve`);
    assert.equal(notRequired.status, 409);

    const limited = createApp({
      readiness: [],
      credentials: new CredentialStore([
        { kind: 'bearer', secret: TOKENS.reader?.token ?? '', name: 'reader', scopes: ['read'] },
      ]),
      workflows: {
        service: new WorkflowService({ store: new RunStore(harness.cluster.kc) }),
        rateLimit: { perSecond: 1, burst: 1, now: () => 0 },
        maxBodyBytes: 1024,
      },
    });
    const get = () =>
      limited.request('/api/v1/workflows?limit=1', {
        headers: { Authorization: `Bearer ${TOKENS.reader?.token ?? ''}` },
      });
    assert.equal((await get()).status, 200);
    const throttled = await get();
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers.get('Retry-After'), '1');
  });

  it('cancels a run awaiting approval', async () => {
    const waiting = await call('requester', 'POST', '/api/v1/workflows', {
      template: 'echo-approved',
      parameters: { deployment: 'queue' },
    });
    const name = (waiting.body as WorkflowExecution).metadata.name ?? '';
    await phaseIs(name, 'AwaitingApproval');
    const cancel = await call('requester', 'POST', `/api/v1/workflows/default/${name}/cancel`);
    assert.equal(cancel.status, 200);
    assert.equal(
      (cancel.body as WorkflowExecution).metadata.annotations?.['kubernaut.ai/cancelled-by'],
      'requester',
    );
    await phaseIs(name, 'Cancelled');
  });

  it('filters by template, target and phase on the server and pages with continue tokens', async () => {
    for (const deployment of ['p1', 'p2', 'p3']) {
      const response = await call('requester', 'POST', '/api/v1/workflows', {
        template: 'echo-direct',
        parameters: { deployment },
        dryRun: true,
      });
      await phaseIs((response.body as WorkflowExecution).metadata.name ?? '', 'Succeeded');
    }
    const names = new Set<string>();
    let token: string | undefined;
    let pages = 0;
    do {
      const query = new URLSearchParams({
        template: 'echo-direct',
        phase: 'Succeeded',
        limit: '2',
        ...(token ? { continue: token } : {}),
      });
      const page = await call('reader', 'GET', `/api/v1/workflows?${query.toString()}`);
      assert.equal(page.status, 200, JSON.stringify(page.body));
      const { items, continue: next } = page.body as {
        items: WorkflowExecution[];
        continue?: string;
      };
      assert.ok(items.length <= 2);
      for (const item of items) {
        assert.equal(item.spec.templateRef?.name, 'echo-direct');
        assert.equal(item.status?.phase, 'Succeeded');
        assert.ok(!names.has(item.metadata.name ?? ''), 'a run appeared on two pages');
        names.add(item.metadata.name ?? '');
      }
      token = next;
      pages++;
    } while (token);
    assert.ok(names.size >= 4, `${String(names.size)} runs`);
    assert.ok(pages >= 2);
    const byTarget = await call(
      'reader',
      'GET',
      `/api/v1/workflows?target=${encodeURIComponent('default/Deployment/p2')}`,
    );
    assert.deepEqual(
      (byTarget.body as { items: WorkflowExecution[] }).items.map((item) => item.spec.target),
      ['default/Deployment/p2'],
    );
    const bySelector = await call(
      'reader',
      'GET',
      `/api/v1/workflows?labelSelector=${encodeURIComponent('kubernaut.ai/template=echo-approved')}`,
    );
    const approvedItems = (bySelector.body as { items: WorkflowExecution[] }).items;
    assert.ok(approvedItems.length >= 2);
    assert.ok(approvedItems.every((item) => item.spec.templateRef?.name === 'echo-approved'));
    const badPhase = await call('reader', 'GET', '/api/v1/workflows?phase=Done');
    assert.equal(badPhase.status, 400);
    assert.equal((badPhase.body as ErrorBody).details?.[0]?.field, 'phase');
  });

  it('runs and approves through Slack: the requester cannot approve, another user can', async () => {
    const secret = 'slack-signing-secret-0123456789';
    const slackApp = createApp({
      readiness: [],
      slack: {
        service: new WorkflowService({ store: new RunStore(harness.cluster.kc) }),
        signingSecret: secret,
        users: slackUsersSchema.parse({
          users: { UREQ: ['run', 'read', 'approve'], UAPPROVER: ['approve', 'read'] },
        }),
      },
    });
    const slash = async (user: string, text: string) => {
      const body = new URLSearchParams({ command: '/kubernaut', user_id: user, text }).toString();
      const timestamp = String(Math.floor(Date.now() / 1000));
      const response = await slackApp.request('/api/v1/chatops/slack', {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'X-Slack-Request-Timestamp': timestamp,
          'X-Slack-Signature': signSlackRequest(secret, timestamp, body),
        },
        body,
      });
      assert.equal(response.status, 200);
      return (await response.json()) as { response_type: string; text: string };
    };
    const started = await slash('UREQ', 'run echo-approved deployment=slack-web');
    const name = /`default\/([^`]+)`/.exec(started.text)?.[1] ?? '';
    assert.ok(name, started.text);
    const run = await phaseIs(name, 'AwaitingApproval');
    assert.deepEqual(run.spec.source, {
      type: 'onDemand',
      caller: { name: 'slack:UREQ', via: 'slack' },
    });
    const self = await slash('UREQ', `approve ${name}`);
    assert.equal(self.response_type, 'ephemeral');
    assert.match(self.text, /cannot also decide it/);
    const approved = await slash('UAPPROVER', `approve ${name} ship it`);
    assert.equal(approved.response_type, 'in_channel');
    const done = await phaseIs(name, 'Succeeded');
    assert.equal(done.spec.approval?.decidedBy, 'slack:UAPPROVER');
    assert.equal(done.spec.approval?.reason, 'ship it');
    assert.match((await slash('UAPPROVER', `status ${name}`)).text, /\*Succeeded\*/);
  });
});
