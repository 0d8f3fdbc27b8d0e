/**
 * The local OCI registry of `npm start`, on 127.0.0.1 over plain HTTP (as a loopback registry
 * may be): the routes of registry-routes.ts over an in-memory content store. The store is
 * exposed so that local mode can put its action images and signatures in without HTTP.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ContentStore } from './content-store.ts';
import { RegistryRoutes, type Reply } from './registry-routes.ts';

export interface LocalRegistry {
  /** `127.0.0.1:<port>`, the registry part of image references. */
  host: string;
  url: string;
  store: ContentStore;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024 * 1024;

export async function startLocalRegistry(
  options: { port?: number; store?: ContentStore } = {},
): Promise<LocalRegistry> {
  const store = options.store ?? new ContentStore();
  const routes = new RegistryRoutes(store);
  const server: Server = createServer((req, res) => {
    serve(routes, req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else
        write(res, 'GET', {
          status: 500,
          headers: {},
          body: Buffer.from(
            JSON.stringify({ errors: [{ code: 'UNKNOWN', message: (error as Error).message }] }),
          ),
        });
    });
  });
  server.keepAliveTimeout = 30_000;
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const host = `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    host,
    url: `http://${host}`,
    store,
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

async function serve(
  routes: RegistryRoutes,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const method = req.method ?? 'GET';
  const body = method === 'GET' || method === 'HEAD' ? Buffer.alloc(0) : await readBody(req);
  const reply = routes.route({
    method,
    url: new URL(req.url ?? '/', 'http://registry'),
    contentType: (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '',
    body,
  });
  write(res, method, reply);
}

function write(res: ServerResponse, method: string, reply: Reply): void {
  res.writeHead(reply.status, {
    'docker-distribution-api-version': 'registry/2.0',
    'content-length': reply.body?.byteLength ?? 0,
    ...reply.headers,
  });
  res.end(method === 'HEAD' ? undefined : reply.body);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.byteLength;
    if (total > MAX_BODY) throw new Error(`request body over ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
