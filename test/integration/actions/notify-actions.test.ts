// notify/slack, notify/webhook and http/wait_healthy as real processes against a loopback
// receiver that records every request (method, path, headers, body).

import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  assertBadInput,
  assertFailed,
  runOfflineAction,
  type InputMode,
} from '../../fixtures/run-action-process.ts';

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

const SLACK_PATH = '/services/T0001/B0001/s3cr3tHookPart';

describe('notification and check actions', () => {
  let server: Server;
  let base: string;
  let dir: string;
  const received: Received[] = [];
  /** GETs of /healthz/<n> answer 503 until the n-th one. */
  const healthCounts = new Map<string, number>();

  const run = (type: string, mode: InputMode, inputs: unknown, env: Record<string, string> = {}) =>
    runOfflineAction(type, {
      mode,
      inputs,
      workspace: dir,
      env,
    });
  const lastReceived = () => received.at(-1);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'notify-'));
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        const path = req.url ?? '';
        if (req.method === 'GET' && path.startsWith('/healthz/')) {
          const count = (healthCounts.get(path) ?? 0) + 1;
          healthCounts.set(path, count);
          res.writeHead(count >= Number(path.split('/')[2]) ? 200 : 503).end();
          return;
        }
        received.push({
          method: req.method ?? '',
          path,
          headers: req.headers,
          body: text === '' ? undefined : JSON.parse(text),
        });
        if (path === '/services/gone') res.writeHead(404).end('no_service');
        else if (path === '/hooks/broken') res.writeHead(500).end('internal error');
        else res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('notify/slack', () => {
    it('posts the message to the incoming webhook (inputs from env), never logging its URL', async () => {
      const result = await run('notify/slack', 'env', {
        webhookUrl: `${base}${SLACK_PATH}`,
        text: ':rotating_light: KubePodCrashLooping in default/web: restarted',
        username: 'kubernaut',
        iconEmoji: ':robot_face:',
      });
      assert.equal(result.exitCode, 0, result.stderr);
      assert.deepEqual(result.outputs, { status: 200 });
      assert.equal(lastReceived()?.method, 'POST');
      assert.equal(lastReceived()?.path, SLACK_PATH);
      assert.equal(lastReceived()?.headers['content-type'], 'application/json');
      assert.deepEqual(lastReceived()?.body, {
        text: ':rotating_light: KubePodCrashLooping in default/web: restarted',
        username: 'kubernaut',
        icon_emoji: ':robot_face:',
      });
      assert.ok(!result.stderr.includes('s3cr3tHookPart'), result.stderr);
    });

    it('reads the webhook URL from a mounted Secret file (inputs from stdin)', async () => {
      await mkdir(join(dir, 'slack'), { recursive: true });
      await writeFile(join(dir, 'slack/url'), `${base}${SLACK_PATH}\n`);
      const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*web* restarted' } }];
      const result = await run('notify/slack', 'stdin', {
        webhookUrlFile: '/workspace/slack/url',
        text: 'web restarted',
        blocks,
      });
      assert.equal(result.exitCode, 0, result.stderr);
      assert.deepEqual(lastReceived()?.body, { text: 'web restarted', blocks });
    });

    it('fails on an error answer without showing the URL, and exits 2 without text', async () => {
      const failed = await run('notify/slack', 'env', {
        webhookUrl: `${base}/services/gone`,
        text: 'x',
      });
      assertFailed(failed, /^Failed: the Slack webhook answered 404: no_service/);
      assert.ok(!failed.terminationMessage.includes('/services/gone'));
      const count = received.length;
      assertBadInput(
        await run('notify/slack', 'stdin', { webhookUrl: `${base}${SLACK_PATH}` }),
        /inputs\.text: required/,
      );
      assertFailed(
        await run('notify/slack', 'env', { text: 'x' }),
        /^Failed: no Slack webhook URL/,
      );
      assert.equal(received.length, count);
    });
  });

  describe('notify/webhook', () => {
    it('posts the template filled with typed values (inputs from env)', async () => {
      const result = await run(
        'notify/webhook',
        'env',
        {
          url: `${base}/hooks/incident`,
          headers: { 'X-Source': 'kubernaut' },
          template: {
            event: 'remediated',
            alert: '{{ alertname }}',
            replicas: '{{ replicas }}',
            summary: 'Scaled {{ deployment }} to {{replicas}} replicas',
            labels: '{{ labels }}',
            steps: ['{{ deployment }}', 1, true, null],
          },
          values: {
            alertname: 'KubeDeploymentReplicasMismatch',
            replicas: 3,
            deployment: 'web", "injected": "yes',
            labels: { namespace: 'default', severity: 'warning' },
          },
        },
        { WEBHOOK_TOKEN: 'hook-token-1' },
      );
      assert.equal(result.exitCode, 0, result.stderr);
      assert.deepEqual(result.outputs, { status: 200 });
      const call = lastReceived();
      assert.equal(call?.path, '/hooks/incident');
      assert.equal(call?.headers['x-source'], 'kubernaut');
      assert.equal(call?.headers.authorization, 'Bearer hook-token-1');
      // A value stays a value: the quote in `deployment` cannot add a key.
      assert.deepEqual(call?.body, {
        event: 'remediated',
        alert: 'KubeDeploymentReplicasMismatch',
        replicas: 3,
        summary: 'Scaled web", "injected": "yes to 3 replicas',
        labels: { namespace: 'default', severity: 'warning' },
        steps: ['web", "injected": "yes', 1, true, null],
      });
    });

    it('fails on a non-2xx answer (inputs from stdin)', async () => {
      assertFailed(
        await run('notify/webhook', 'stdin', { url: `${base}/hooks/broken`, template: { a: 1 } }),
        /^Failed: the webhook at 127\.0\.0\.1:\d+ answered 500: internal error/,
      );
    });

    it('exits 2 on an unknown placeholder or a template of the wrong type, sending nothing', async () => {
      const count = received.length;
      assertBadInput(
        await run('notify/webhook', 'env', {
          url: `${base}/hooks/x`,
          template: { a: '{{ missing }}' },
        }),
        /inputs\.values: the template uses \{\{ missing \}\}, which values does not define/,
      );
      assertBadInput(
        await run('notify/webhook', 'stdin', { url: `${base}/hooks/x`, template: 'text' }),
        /inputs\.template: must be an object/,
      );
      assert.equal(received.length, count);
    });
  });

  describe('http/wait_healthy', () => {
    it('polls until the URL answers 2xx (inputs from env)', async () => {
      const result = await run('http/wait_healthy', 'env', {
        url: `${base}/healthz/4`,
        intervalSeconds: 0.1,
        timeoutSeconds: 30,
      });
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(result.outputs?.['status'], 200);
      assert.equal(result.outputs?.['attempts'], 4);
      assert.equal(healthCounts.get('/healthz/4'), 4);
    });

    it('gives up at the timeout naming the last answer (inputs from stdin)', async () => {
      const result = await run('http/wait_healthy', 'stdin', {
        url: `${base}/healthz/1000000`,
        intervalSeconds: 0.2,
        timeoutSeconds: 1,
      });
      assertFailed(
        result,
        /^Timeout: .*healthz\/1000000 was not healthy within 1s after \d+ attempt\(s\); last: HTTP 503/,
      );
      assert.ok((healthCounts.get('/healthz/1000000') ?? 0) >= 2);
    });

    it('exits 2 on a URL that is not http(s) or an interval out of range', async () => {
      assertBadInput(
        await run('http/wait_healthy', 'env', { url: 'file:///etc/passwd' }),
        /inputs\.url: "file:\/\/\/etc\/passwd" does not match/,
      );
      assertBadInput(
        await run('http/wait_healthy', 'stdin', { url: `${base}/healthz/1`, intervalSeconds: 0 }),
        /inputs\.intervalSeconds: must be between 0\.05 and 300/,
      );
    });
  });
});
