/**
 * `h(tag, attributes, ...children)`: hono/jsx elements without JSX syntax. Node runs our
 * TypeScript by stripping types, and JSX is not erasable syntax, so the views call hono/jsx's
 * element factory directly (no build step). Rendering is hono/jsx's: every text child and
 * attribute value is HTML-escaped. Children are strings, numbers or elements only, never
 * objects from data (an object claiming `isEscaped` would be written raw).
 */
import { jsx, type JSXNode } from 'hono/jsx';

export type Attributes = Readonly<Record<string, string | number | boolean | undefined>>;
export type Node = JSXNode | string | number | false | null | undefined | readonly Node[];

export function h(tag: string, attributes: Attributes | null, ...children: Node[]): JSXNode {
  const props: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value !== undefined) props[name] = value;
  }
  return jsx(tag, props, ...(children as Parameters<typeof jsx>[2][]));
}

/** The element's HTML (our views have no async components, so this is synchronous). */
export async function renderHtml(node: JSXNode): Promise<string> {
  return await node.toString();
}

/** A whole page, with the doctype hono/jsx does not write. */
export async function renderDocument(node: JSXNode): Promise<string> {
  return `<!DOCTYPE html>${await renderHtml(node)}`;
}

/** `2026-01-15 09:30:00 UTC` in a <time> element, or a dash. */
export function timeOf(value: string | undefined): Node {
  if (value === undefined) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  const text = `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  return h('time', { datetime: date.toISOString() }, text);
}

/** JSON for a <pre>: keys sorted by the writer, two-space indent, never raw HTML. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value ?? {}, null, 2);
}
