/**
 * A Kubernetes watch over undici's `request`: client-node's `Watch`, line for line in
 * behaviour (the same URL, auth and dispatcher, an inactivity timeout, `done` called once, a
 * non-200 answer an error carrying `statusCode`), without fetch's WHATWG streams and
 * readline in between: every change to every object the replica reads arrives here, so the
 * cost per event matters (see request-transport.ts).
 */
import { STATUS_CODES } from 'node:http';
import { HttpMethod, RequestContext, type KubeConfig } from '@kubernetes/client-node';
import { request } from 'undici';

/** The event's type and object, as the API server sent them (the caller knows its kind). */
export type WatchCallback<T> = (type: string, object: T) => void;

export class RequestWatch {
  /** Ends a watch that has sent nothing for this long, as client-node's Watch does. */
  requestTimeoutMs = 30_000;
  private readonly kc: KubeConfig;

  constructor(kc: KubeConfig) {
    this.kc = kc;
  }

  async watch<T>(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    callback: WatchCallback<T>,
    done: (error?: unknown) => void,
  ): Promise<AbortController> {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new Error('No currently active cluster');
    const url = new URL(cluster.server + path);
    url.searchParams.set('watch', 'true');
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const context = new RequestContext(url.toString(), HttpMethod.GET);
    await this.kc.applySecurityAuthentication(context);
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    const finish = (error?: unknown): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      controller.abort();
      done(error);
    };
    const resetTimer = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        finish(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
      }, this.requestTimeoutMs);
      timer.unref();
    };
    try {
      resetTimer();
      const dispatcher = context.getDispatcher();
      const response = await request(url, {
        method: 'GET',
        headers: context.getHeaders(),
        signal: controller.signal,
        ...(dispatcher ? { dispatcher: dispatcher } : {}),
      });
      if (response.statusCode !== 200) {
        await response.body.dump();
        const error = new Error(STATUS_CODES[response.statusCode] ?? 'Internal Server Error');
        Object.assign(error, { statusCode: response.statusCode });
        throw error;
      }
      resetTimer();
      let pending = '';
      response.body.setEncoding('utf8');
      const deliverAll = (text: string): void => {
        try {
          deliver(text, callback);
        } catch (error) {
          finish(error); // a handler failed: the caller re-watches from its resourceVersion
        }
      };
      response.body.on('data', (chunk: string) => {
        resetTimer();
        pending += chunk;
        const lastNewline = pending.lastIndexOf('\n');
        if (lastNewline < 0) return;
        const complete = pending.slice(0, lastNewline);
        pending = pending.slice(lastNewline + 1);
        deliverAll(complete);
      });
      response.body.on('error', finish);
      response.body.on('end', () => {
        deliverAll(pending);
        finish();
      });
      response.body.on('close', () => {
        finish();
      });
    } catch (error) {
      finish(error);
    }
    return controller;
  }
}

/** Complete lines of the stream: watch events; a blank line or one that is not JSON is skipped. */
function deliver<T>(lines: string, callback: WatchCallback<T>): void {
  for (const line of lines.split('\n')) {
    if (line.trim() === '') continue;
    let event: { type?: unknown; object?: unknown };
    try {
      event = JSON.parse(line) as { type?: unknown; object?: unknown };
    } catch {
      continue; // as client-node's Watch: a line that is not JSON is not an event
    }
    if (typeof event.type === 'string') callback(event.type, event.object as T);
  }
}
