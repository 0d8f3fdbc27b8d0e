// Live updates for the Kubernaut UI: the one script, served by the dispatcher (the CSP
// allows no other). It opens the EventSource named by the page's [data-live] element and
// swaps in the HTML fragments the server rendered (and escaped); it builds no markup itself.
/* global document, EventSource */
'use strict';

(function live() {
  const host = document.querySelector('[data-live]');
  if (!host || typeof EventSource === 'undefined') return;
  const status = document.getElementById('live-status');
  const say = (text) => {
    if (status) status.textContent = text;
  };
  const fragment = (html) => {
    const template = document.createElement('template');
    template.innerHTML = html;
    return template.content.firstElementChild;
  };
  const source = new EventSource(host.getAttribute('data-live'));
  source.addEventListener('ready', () => say('Live: updates appear as runs change.'));
  source.addEventListener('error', () => say('Live updates interrupted: reconnecting…'));

  source.addEventListener('upsert', (event) => {
    const { id, html } = JSON.parse(event.data);
    const row = fragment(html);
    const rows = document.getElementById('run-rows');
    if (!row || !rows) return;
    const old = document.getElementById(id);
    if (old) old.replaceWith(row);
    else rows.prepend(row);
    document.getElementById('no-runs')?.remove();
  });
  source.addEventListener('remove', (event) => {
    const { id } = JSON.parse(event.data);
    document.getElementById(id)?.remove();
  });
  source.addEventListener('run', (event) => {
    const { html } = JSON.parse(event.data);
    const next = fragment(html);
    const current = document.getElementById('run-live');
    if (next && current) current.replaceWith(next);
  });
  source.addEventListener('deleted', () => say('This run was deleted.'));
})();
