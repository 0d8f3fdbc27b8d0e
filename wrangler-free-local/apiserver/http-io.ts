// Request body reading and response writing, kept small for the create hot path.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { newBadRequest, StatusError } from './status-error.ts';

const MAX_BODY = 3 * 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY)
        reject(
          new StatusError(
            413,
            'RequestEntityTooLarge',
            'Request entity too large: limit is 3145728',
          ),
        );
      else chunks.push(chunk);
    });
    req.on('end', () => {
      resolve(chunks.length === 1 ? (chunks[0] ?? Buffer.alloc(0)) : Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

/** Parses a JSON (or, for YAML content types, YAML) body; 400 as the real decoder does. */
export function parseBody(text: string, contentType: string): unknown {
  if (text === '') throw newBadRequest('the body of the request was empty');
  try {
    if (contentType.includes('yaml')) return parseYaml(text) as unknown;
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw newBadRequest(
      `couldn't get version/kind; json parse error: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

export function sendJson(
  res: ServerResponse,
  code: number,
  body: string,
  warnings: string[] = [],
): void {
  const headers: Record<string, string | number | string[]> = {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-cache, private',
  };
  if (warnings.length > 0) headers['Warning'] = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  res.writeHead(code, headers);
  res.end(body);
}

export function sendStatus(res: ServerResponse, err: StatusError): void {
  const headers: Record<string, string> = {};
  if (err.details?.retryAfterSeconds !== undefined)
    headers['Retry-After'] = String(err.details.retryAfterSeconds);
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  sendJson(res, err.code, JSON.stringify(err.toStatus()));
}

export function sendText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Whether the client asked for a meta.k8s.io Table rendering. */
export function wantsTable(accept: string | undefined): boolean {
  return accept !== undefined && accept.includes('as=Table');
}
