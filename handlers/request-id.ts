/**
 * A request id for every request, as hono/request-id gives it: the caller's `X-Request-Id`
 * when it is short and plain (so a proxy's id carries through), else a new UUID; in
 * `c.var.requestId` and in the answer's `X-Request-Id` header.
 *
 * Unlike hono/request-id, the header goes straight onto Node's response when there is one.
 * `c.header()` before the handler answers makes Hono build a WHATWG Headers object for the
 * response, which the Node adapter must then iterate; that was a fifth of a trivial
 * handler's CPU. Node merges the header into the one `writeHead` the adapter makes. Without a
 * Node response (`app.request()` in tests) it falls back to `c.header()`.
 */
import type { HttpBindings } from '@hono/node-server';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env.ts';

export const REQUEST_ID_HEADER = 'X-Request-Id';
const MAX_LENGTH = 255;
const UNSAFE = /[^\w\-=]/;

export function requestId(): MiddlewareHandler<AppEnv> {
  return async function requestId(c, next) {
    const offered = c.req.header(REQUEST_ID_HEADER);
    const id =
      offered && offered.length <= MAX_LENGTH && !UNSAFE.test(offered)
        ? offered
        : crypto.randomUUID();
    c.set('requestId', id);
    const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing;
    if (outgoing && !outgoing.headersSent) outgoing.setHeader(REQUEST_ID_HEADER, id);
    else c.header(REQUEST_ID_HEADER, id);
    await next();
  };
}
