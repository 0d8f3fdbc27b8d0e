import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { RequestWatch } from '../../../src/kube/request-watch.ts';

/** A server that answers each watch with what the test put in `script`. */
let script: (response: ServerResponse) => void = () => undefined;
const requests: string[] = [];
const server = createServer((request, response) => {
  requests.push(request.url ?? '');
  script(response);
});
let kc: KubeConfig;

before(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${String(port)}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'watch-token' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
});
after(() => {
  server.close();
});

function watchOnce(): Promise<{ events: [string, unknown][]; error: unknown }> {
  const events: [string, unknown][] = [];
  return new Promise((resolve) => {
    void new RequestWatch(kc).watch(
      '/api/v1/pods',
      { resourceVersion: '7', labelSelector: 'a=b' },
      (type, object) => events.push([type, object]),
      (error) => {
        resolve({ events, error });
      },
    );
  });
}

describe('RequestWatch', () => {
  it('delivers events split across chunks, skips blank and non-JSON lines, ends cleanly', async () => {
    script = (response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n{"type":"MOD');
      response.write('IFIED","object":{"metadata":{"name":"a"}}}\n\nnot json\n');
      response.end('{"type":"DELETED","object":{"metadata":{"name":"a"}}}');
    };
    const { events, error } = await watchOnce();
    assert.equal(error, undefined);
    assert.deepEqual(
      events.map(([type]) => type),
      ['ADDED', 'MODIFIED', 'DELETED'],
    );
    const url = new URL(requests.at(-1) ?? '', 'http://x');
    assert.equal(url.searchParams.get('watch'), 'true');
    assert.equal(url.searchParams.get('resourceVersion'), '7');
    assert.equal(url.searchParams.get('labelSelector'), 'a=b');
  });

  it('turns a non-200 answer into an error with its status code', async () => {
    script = (response) => {
      response.writeHead(410, { 'content-type': 'application/json' });
      response.end('{"kind":"Status","code":410}');
    };
    const { events, error } = await watchOnce();
    assert.deepEqual(events, []);
    assert.equal((error as { statusCode?: number }).statusCode, 410);
  });

  it('ends the watch with the error when a handler throws, so the caller re-watches', async () => {
    script = (response) => {
      response.writeHead(200);
      response.write('{"type":"ADDED","object":{}}\n');
      // Never ends: only the failing handler can end this watch.
    };
    const failure = new Error('handler failed');
    const error = await new Promise((resolve) => {
      void new RequestWatch(kc).watch(
        '/api/v1/pods',
        {},
        () => {
          throw failure;
        },
        resolve,
      );
    });
    assert.equal(error, failure);
  });
});
