/**
 * The UI's two static files, read once at start and served from memory: the stylesheet and
 * the live-update script. Nothing else under /ui/assets exists (no directory is served, so no
 * path can reach another file). The page links them with a version query; they may be cached.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'hono';
import { HttpError } from '../http-error.ts';

const DIR = join(import.meta.dirname, 'assets');

const ASSETS: ReadonlyMap<string, { type: string; body: string }> = new Map([
  ['ui.css', { type: 'text/css; charset=utf-8', body: readFileSync(join(DIR, 'ui.css'), 'utf8') }],
  [
    'ui.js',
    { type: 'text/javascript; charset=utf-8', body: readFileSync(join(DIR, 'ui.js'), 'utf8') },
  ],
]);

export function serveUiAsset(c: Context, file: string): Response {
  const asset = ASSETS.get(file);
  if (!asset) throw new HttpError({ status: 404, code: 'NotFound', message: `no asset ${file}` });
  c.header('Content-Type', asset.type);
  c.header('Cache-Control', 'public, max-age=3600');
  return c.body(asset.body);
}
