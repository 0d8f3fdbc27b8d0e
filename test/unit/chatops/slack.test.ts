import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createApp } from '../../../handlers/app.ts';
import { SLACK_PATH } from '../../../handlers/chatops-slack.ts';
import { makeRun, step } from '../../fixtures/workflows.ts';
import { parseSlashCommand, tokenize } from '../../../src/chatops/parse-slash-command.ts';
import { slackUsersSchema } from '../../../src/chatops/slack-users.ts';
import {
  signSlackRequest,
  verifySlackSignature,
} from '../../../src/chatops/verify-slack-signature.ts';
import { OnDemandError } from '../../../src/ondemand/on-demand-error.ts';
import type { RequestingCaller, WorkflowService } from '../../../src/ondemand/workflow-service.ts';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const NOW = 1_700_000_000;

describe('verifySlackSignature', () => {
  const body = 'token=x&user_id=U1&text=status+r1';
  const signed = signSlackRequest(SECRET, String(NOW), body);
  const check = (overrides: Partial<Parameters<typeof verifySlackSignature>[0]>) =>
    verifySlackSignature({
      signingSecret: SECRET,
      timestamp: String(NOW),
      signature: signed,
      rawBody: body,
      nowSeconds: NOW,
      ...overrides,
    });

  it("matches Slack's documented example", () => {
    // From Slack's "Verifying requests from Slack" guide.
    const example =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    assert.equal(
      signSlackRequest(SECRET, '1531420618', example),
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });

  const cases: [string, Partial<Parameters<typeof verifySlackSignature>[0]>, RegExp | undefined][] =
    [
      ['valid', {}, undefined],
      ['valid at the edge of the window', { nowSeconds: NOW + 300 }, undefined],
      ['replayed after five minutes', { nowSeconds: NOW + 301 }, /more than 300 s/],
      ['from the future', { nowSeconds: NOW - 301 }, /more than 300 s/],
      ['another body', { rawBody: `${body}&x=1` }, /does not match/],
      ['another secret', { signingSecret: 'other' }, /does not match/],
      ['a truncated signature', { signature: signed.slice(0, 20) }, /does not match/],
      ['no signature', { signature: undefined }, /required/],
      ['a timestamp that is not a number', { timestamp: '12abc' }, /not a Unix time/],
    ];
  for (const [name, overrides, error] of cases) {
    it(name, () => {
      const result = check(overrides);
      if (!error) assert.deepEqual(result, { ok: true });
      else {
        assert.equal(result.ok, false);
        if (!result.ok) assert.match(result.reason, error);
      }
    });
  }
});

describe('parseSlashCommand', () => {
  const cases: [string, unknown][] = [
    ['', { kind: 'help' }],
    ['help', { kind: 'help' }],
    [
      'run restart-pod pod=web-1 reason="out of memory"',
      {
        kind: 'run',
        template: { namespace: 'default', name: 'restart-pod' },
        parameters: { pod: 'web-1', reason: 'out of memory' },
      },
    ],
    [
      'run ops/scale replicas=3',
      { kind: 'run', template: { namespace: 'ops', name: 'scale' }, parameters: { replicas: '3' } },
    ],
    ['status ops/run-1', { kind: 'status', run: { namespace: 'ops', name: 'run-1' } }],
    ['cancel run-1', { kind: 'cancel', run: { namespace: 'default', name: 'run-1' } }],
    [
      'approve run-1 looks good',
      { kind: 'approve', run: { namespace: 'default', name: 'run-1' }, reason: 'looks good' },
    ],
    ['reject run-1', { kind: 'reject', run: { namespace: 'default', name: 'run-1' } }],
  ];
  for (const [text, command] of cases) {
    it(JSON.stringify(text), () => {
      assert.deepEqual(parseSlashCommand(text, 'default'), { ok: true, command });
    });
  }
  const errors: [string, RegExp][] = [
    ['run', /name the template/],
    ['run Bad_Name', /not a template name/],
    ['run t novalue', /"novalue" is not key=value/],
    ['run t =x', /is not key=value/],
    ['status', /name the run/],
    ['status a b', /one run/],
    ['deploy x', /unknown command "deploy"/],
    ['run t a="open', /unbalanced quotes/],
  ];
  for (const [text, error] of errors) {
    it(`${JSON.stringify(text)} → error`, () => {
      const result = parseSlashCommand(text, 'default');
      assert.equal(result.ok, false);
      if (!result.ok) assert.match(result.error, error);
    });
  }

  it('tokenize keeps escaped quotes', () => {
    assert.deepEqual(tokenize('a="say \\"hi\\"" b'), ['a=say "hi"', 'b']);
  });
});

describe('POST /api/v1/chatops/slack', () => {
  const calls: { caller: RequestingCaller; what: string }[] = [];
  const service: Pick<WorkflowService, 'createRun' | 'getRunDetail' | 'cancelRun' | 'decide'> = {
    async createRun(caller, request) {
      calls.push({
        caller,
        what: `run ${request.namespace}/${request.template ?? ''} ${JSON.stringify(request.parameters)}`,
      });
      const run = makeRun([step('a')], { name: 'restart-abc' });
      return {
        run: { ...run, spec: { ...run.spec, approval: { required: true } } },
        created: true,
      };
    },
    async getRunDetail(namespace, name) {
      if (name === 'missing')
        throw new OnDemandError('NotFound', `WorkflowExecution ${namespace}/${name} not found`);
      return { run: makeRun([step('a')], { name }), events: [] };
    },
    async cancelRun(caller, _namespace, name) {
      calls.push({ caller, what: `cancel ${name}` });
      return makeRun([step('a')], { name });
    },
    async decide(caller) {
      throw new OnDemandError(
        'SelfApproval',
        `${caller.name} requested default/r1 and cannot also decide it`,
      );
    },
  };
  const app = createApp({
    readiness: [],
    slack: {
      service,
      signingSecret: SECRET,
      users: slackUsersSchema.parse({ users: { UAPPROVER: ['approve', 'read'] } }),
      nowSeconds: () => NOW,
    },
  });
  const post = (
    text: string,
    user = 'UREQUESTER',
    options: { timestamp?: number; secret?: string } = {},
  ) => {
    const body = new URLSearchParams({
      command: '/kubernaut',
      text,
      user_id: user,
      team_id: 'T1',
    }).toString();
    const timestamp = String(options.timestamp ?? NOW);
    return app.request(SLACK_PATH, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Slack-Request-Timestamp': timestamp,
        'X-Slack-Signature': signSlackRequest(options.secret ?? SECRET, timestamp, body),
      },
      body,
    });
  };
  const message = async (response: Response) =>
    (await response.json()) as { response_type: string; text: string };

  it('runs a template as slack:<user> in channel', async () => {
    const response = await post('run restart pod=web-1');
    assert.equal(response.status, 200);
    const body = await message(response);
    assert.equal(body.response_type, 'in_channel');
    assert.match(body.text, /<@UREQUESTER> started `default\/restart-abc`: it waits for approval/);
    assert.deepEqual(calls.at(-1), {
      caller: { name: 'slack:UREQUESTER', scopes: ['run', 'read'], via: 'slack' },
      what: 'run default/restart {"pod":"web-1"}',
    });
  });

  it('refuses a wrong signature and an old (replayed) request with 401', async () => {
    const wrong = await post('status r1', 'UREQUESTER', { secret: 'not-the-secret' });
    assert.equal(wrong.status, 401);
    assert.equal(((await wrong.json()) as { error: string }).error, 'InvalidSignature');
    const replayed = await post('status r1', 'UREQUESTER', { timestamp: NOW - 600 });
    assert.equal(replayed.status, 401);
    assert.match(((await replayed.json()) as { message: string }).message, /more than 300 s/);
  });

  it('answers scope gaps, usage and service errors ephemerally', async () => {
    const noScope = await message(await post('approve r1'));
    assert.equal(noScope.response_type, 'ephemeral');
    assert.match(noScope.text, /lack the "approve" scope/);
    const self = await message(await post('approve r1', 'UAPPROVER'));
    assert.equal(self.response_type, 'ephemeral');
    assert.match(self.text, /slack:UAPPROVER requested default\/r1 and cannot also decide it/);
    const missing = await message(await post('status missing'));
    assert.match(missing.text, /not found/);
    const usage = await message(await post('frobnicate'));
    assert.match(usage.text, /unknown command "frobnicate"[\s\S]*\/kubernaut run/);
    const status = await message(await post('status ops/r2'));
    assert.match(status.text, /`default\/r2` is \*Pending\*/);
  });

  it('415 for another content type, 400 without a user id', async () => {
    const json = await app.request(SLACK_PATH, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    assert.equal(json.status, 415);
    const body = 'text=help';
    const noUser = await app.request(SLACK_PATH, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Slack-Request-Timestamp': String(NOW),
        'X-Slack-Signature': signSlackRequest(SECRET, String(NOW), body),
      },
      body,
    });
    assert.equal(noUser.status, 400);
  });
});
