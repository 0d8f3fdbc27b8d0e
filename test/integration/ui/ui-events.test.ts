/**
 * Live updates end to end on the embedded API server: a run created and executed by the
 * engine reaches an open SSE stream as it changes, through the one run informer, and the
 * stream's listener goes when the browser disconnects.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { actionScript } from '../../fixtures/action-script.ts';
import {
  loginOverHttp,
  READER_TOKEN,
  startUiStack,
  type UiStack,
} from '../../fixtures/ui-stack.ts';
import { scriptImage } from '../cluster/start-local-cluster.ts';

/** Reads an SSE response until a message of `event` whose data satisfies `accept`. */
async function nextMessage(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  buffer: { text: string },
  event: string,
  accept: (data: string) => boolean,
): Promise<string> {
  const decoder = new TextDecoder();
  for (;;) {
    let end = buffer.text.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.text.slice(0, end);
      buffer.text = buffer.text.slice(end + 2);
      const name = /^event: (.*)$/m.exec(block)?.[1];
      const data = [...block.matchAll(/^data: (.*)$/gm)].map((match) => match[1]).join('\n');
      if (name === event && accept(data)) return data;
      end = buffer.text.indexOf('\n\n');
    }
    const { value, done } = await reader.read();
    if (done) throw new Error(`the stream ended before a ${event} event`);
    buffer.text += decoder.decode(value, { stream: true });
  }
}

describe('web UI live updates on the embedded cluster', () => {
  let stack: UiStack;
  let cookie: string;
  before(async () => {
    stack = await startUiStack({ heartbeatMs: 200 });
    cookie = await loginOverHttp(stack.url, READER_TOKEN);
  });
  after(async () => {
    await stack.close();
  });

  it('sends a row when a run appears and as its phase changes, then lets the stream go', async () => {
    const controller = new AbortController();
    const response = await fetch(`${stack.url}/ui/events`, {
      headers: { Cookie: cookie, Accept: 'text/event-stream' },
      signal: controller.signal,
    });
    assert.equal(response.status, 200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const buffer = { text: '' };
    await nextMessage(reader, buffer, 'ready', () => true);
    assert.equal(stack.feed.feed.listeners, 1);

    const echo = scriptImage(
      stack.harness.cluster.catalog,
      'ui-echo',
      actionScript('(inputs) => inputs'),
    );
    await stack.harness.submit('ui-live', [
      { name: 'first', actionType: 'test/echo', image: echo, inputs: { n: 1 } },
      {
        name: 'second',
        actionType: 'test/echo',
        image: echo,
        inputs: { n: 2 },
        runAfter: ['first'],
      },
    ]);
    const appeared = await nextMessage(reader, buffer, 'upsert', (data) =>
      data.includes('ui-live'),
    );
    assert.equal((JSON.parse(appeared) as { id: string }).id, 'run:default/ui-live');
    const succeeded = await nextMessage(reader, buffer, 'upsert', (data) =>
      data.includes('data-phase=\\"Succeeded\\"'),
    );
    assert.match(succeeded, /run:default\/ui-live/);
    // A heartbeat comment keeps an idle stream open.
    while (!buffer.text.includes(': heartbeat')) {
      const { value } = await reader.read();
      buffer.text += new TextDecoder().decode(value);
    }

    controller.abort();
    for (let turn = 0; stack.feed.feed.listeners > 0 && turn < 200; turn++) {
      await new Promise<void>((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(stack.feed.feed.listeners, 0, 'the disconnected stream left the feed');
  });

  it('streams one run page: its DAG re-rendered as the run changes', async () => {
    const echo = scriptImage(
      stack.harness.cluster.catalog,
      'ui-echo-2',
      actionScript('(inputs) => inputs'),
    );
    const controller = new AbortController();
    const response = await fetch(`${stack.url}/ui/events?run=default%2Fui-page`, {
      headers: { Cookie: cookie },
      signal: controller.signal,
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const buffer = { text: '' };
    await nextMessage(reader, buffer, 'ready', () => true);
    await stack.harness.submit('ui-page', [
      { name: 'only', actionType: 'test/echo', image: echo, inputs: {} },
    ]);
    const done = await nextMessage(
      reader,
      buffer,
      'run',
      (data) => (JSON.parse(data) as { phase: string }).phase === 'Succeeded',
    );
    const { html } = JSON.parse(done) as { html: string };
    assert.match(html, /^<div id="run-live" data-phase="Succeeded">/);
    assert.match(html, /class="dag-node phase-Succeeded" data-step="only"/);
    controller.abort();

    const page = await fetch(`${stack.url}/ui/runs/default/ui-page`, {
      headers: { Cookie: cookie },
    });
    const text = await page.text();
    assert.equal(page.status, 200);
    assert.match(text, /RunSucceeded|StepSucceeded/, 'the Events timeline');
    assert.match(text, /Log \(last lines\)<\/h4><p class="muted">pod [^<]+, container action<\/p>/);
  });
});
