/**
 * The page shell: language, viewport for phones, the one stylesheet and the one script (both
 * served by the dispatcher; the CSP allows nothing else), a skip link, landmarks (header with
 * navigation, main, footer) and the logout form with its CSRF token.
 */
import type { Caller } from '../../../src/auth/scopes.ts';
import { CSRF_FIELD } from '../ui-session.ts';
import { h, type Node } from './h.ts';
import type { JSXNode } from 'hono/jsx';

export const ASSET_VERSION = '1';

export interface LayoutOptions {
  title: string;
  caller?: Caller | undefined;
  csrfToken: string;
  /** Which navigation entry is the current page. */
  current?: 'runs' | 'overview' | undefined;
}

function navLink(href: string, label: string, current: boolean): JSXNode {
  return h('a', { href, ...(current ? { 'aria-current': 'page' } : {}) }, label);
}

/** What a page gets from the route: the title and current entry are the page's own. */
export type PageOptions = Omit<LayoutOptions, 'title' | 'current'>;

export function csrfInput(token: string): JSXNode {
  return h('input', { type: 'hidden', name: CSRF_FIELD, value: token });
}

export function layout(options: LayoutOptions, ...content: Node[]): JSXNode {
  const { caller, csrfToken, current } = options;
  return h(
    'html',
    { lang: 'en' },
    h(
      'head',
      null,
      h('meta', { charset: 'utf-8' }),
      h('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
      h('meta', { name: 'referrer', content: 'no-referrer' }),
      h('title', null, `${options.title} · Kubernaut`),
      h('link', { rel: 'stylesheet', href: `/ui/assets/ui.css?v=${ASSET_VERSION}` }),
      h('script', { src: `/ui/assets/ui.js?v=${ASSET_VERSION}`, defer: true }),
    ),
    h(
      'body',
      null,
      h('a', { class: 'skip-link', href: '#main' }, 'Skip to content'),
      h(
        'header',
        { class: 'site-header' },
        h('a', { class: 'brand', href: '/ui' }, 'Kubernaut'),
        caller
          ? h(
              'nav',
              { 'aria-label': 'Main' },
              navLink('/ui', 'Runs', current === 'runs'),
              navLink('/ui/overview', 'Overview', current === 'overview'),
            )
          : null,
        caller
          ? h(
              'form',
              { method: 'post', action: '/ui/logout', class: 'logout' },
              csrfInput(csrfToken),
              h('span', { class: 'who' }, caller.name),
              h('button', { type: 'submit' }, 'Log out'),
            )
          : null,
      ),
      h('main', { id: 'main', tabindex: '-1' }, ...content),
      h(
        'footer',
        { class: 'site-footer' },
        'Kubernaut Dispatcher · ',
        h('a', { href: '/metrics' }, 'metrics'),
      ),
    ),
  );
}

export function errorPage(
  options: LayoutOptions & { status: number; code: string; message: string },
): JSXNode {
  return layout(
    options,
    h('h1', null, options.title),
    h(
      'p',
      { role: 'alert', class: 'error' },
      h('strong', null, `${String(options.status)} ${options.code}: `),
      options.message,
    ),
    h('p', null, h('a', { href: '/ui' }, 'Back to the runs')),
  );
}

export function loginPage(options: {
  csrfToken: string;
  next: string;
  error?: string | undefined;
}): JSXNode {
  return layout(
    { title: 'Log in', csrfToken: options.csrfToken },
    h('h1', null, 'Log in'),
    h(
      'p',
      null,
      'Paste a dispatcher API token (the token has the scopes: read to look, run to cancel, approve to decide). In local mode it is in ',
      h('code', null, '.local/token'),
      '.',
    ),
    options.error
      ? h('p', { role: 'alert', class: 'error', id: 'login-error' }, options.error)
      : null,
    h(
      'form',
      { method: 'post', action: '/ui/login', class: 'login' },
      csrfInput(options.csrfToken),
      h('input', { type: 'hidden', name: 'next', value: options.next }),
      h('label', { for: 'token' }, 'API token'),
      h('input', {
        id: 'token',
        name: 'token',
        type: 'password',
        autocomplete: 'current-password',
        required: true,
        spellcheck: 'false',
        ...(options.error ? { 'aria-describedby': 'login-error', 'aria-invalid': 'true' } : {}),
      }),
      h('button', { type: 'submit' }, 'Log in'),
    ),
  );
}
