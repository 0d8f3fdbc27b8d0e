/**
 * The embedded API server must never be what the dispatcher's benchmarks measure.
 * (a) creates per second from one keep-alive client over TLS; (b) the delay from a write to
 * its watch event with 100 watchers. Targets (issue 3): >= 3,000 creates/s; p99 <= 10 ms.
 */
import type { IncomingMessage } from 'node:http';
import { Agent, request } from 'node:https';
import { startApiServer, type ApiServer } from '../../wrangler-free-local/apiserver/index.ts';
import { percentiles, type BenchRow } from './harness.ts';

const TOKEN = 'bench-token';

function call(
  server: ApiServer,
  agent: Agent,
  method: string,
  path: string,
  body?: unknown,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      `${server.url}${path}`,
      {
        method,
        agent,
        ca: server.caData,
        headers: {
          authorization: `Bearer ${TOKEN}`,
          'content-type': 'application/json',
          ...(payload ? { 'content-length': Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const configMap = (name: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name },
  data: { key: 'value' },
});

async function benchCreates(server: ApiServer): Promise<BenchRow> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const samples: number[] = [];
  const deadline = performance.now() + 3_000;
  const started = performance.now();
  for (let index = 0; index < 20_000 && performance.now() < deadline; index++) {
    const before = performance.now();
    const status = await call(
      server,
      agent,
      'POST',
      '/api/v1/namespaces/default/configmaps',
      configMap(`create-${String(index)}`),
    );
    if (status !== 201) throw new Error(`create answered ${String(status)}`);
    samples.push(performance.now() - before);
  }
  const elapsed = performance.now() - started;
  agent.destroy();
  return {
    suite: 'apiserver',
    name: 'create ConfigMap, 1 keep-alive client',
    opsPerSec: (samples.length / elapsed) * 1000,
    ...percentiles(samples),
    notes: `${String(samples.length)} creates over TLS; target >= 3,000/s`,
  };
}

async function benchWatchDelivery(server: ApiServer): Promise<BenchRow> {
  const watchers = 100;
  const writes = 200;
  const sentAt = new Map<string, number>();
  const delays: number[] = [];
  const agent = new Agent({ keepAlive: true, maxSockets: watchers + 1 });
  let received = 0;
  let allReceived: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allReceived = resolve));
  const streams = await Promise.all(
    Array.from(
      { length: watchers },
      () =>
        new Promise<IncomingMessage>((resolve, reject) => {
          const req = request(
            `${server.url}/api/v1/namespaces/watched/configmaps?watch=1`,
            { agent, ca: server.caData, headers: { authorization: `Bearer ${TOKEN}` } },
            resolve,
          );
          req.on('error', reject);
          req.end();
        }),
    ),
  );
  for (const stream of streams) {
    let buffer = '';
    stream.on('data', (chunk: Buffer) => {
      const now = performance.now();
      buffer += chunk.toString();
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        // A regex instead of JSON.parse: 100 watchers share this process with the server,
        // and the client's parsing must not be what the benchmark measures.
        const name = /"name":"(watched-\d+)"/.exec(line)?.[1] ?? '';
        const at = sentAt.get(name);
        if (at !== undefined) delays.push(now - at);
        if (++received === watchers * writes) allReceived();
        newline = buffer.indexOf('\n');
      }
    });
  }
  const writer = new Agent({ keepAlive: true, maxSockets: 1 });
  await call(server, writer, 'POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'watched-warmup' },
  });
  for (let index = 0; index < writes; index++) {
    const name = `watched-${String(index)}`;
    sentAt.set(name, performance.now());
    await call(server, writer, 'POST', '/api/v1/namespaces/watched/configmaps', configMap(name));
  }
  await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  for (const stream of streams) stream.destroy();
  agent.destroy();
  writer.destroy();
  return {
    suite: 'apiserver',
    name: `watch delivery, ${String(watchers)} watchers`,
    ...percentiles(delays),
    notes: `${String(delays.length)}/${String(watchers * writes)} events; target p99 <= 10 ms`,
  };
}

export async function benchApiServer(): Promise<BenchRow[]> {
  const server = await startApiServer({ tokens: [TOKEN] });
  try {
    await call(server, new Agent(), 'POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'watched' },
    });
    return [await benchCreates(server), await benchWatchDelivery(server)];
  } finally {
    await server.close();
  }
}
