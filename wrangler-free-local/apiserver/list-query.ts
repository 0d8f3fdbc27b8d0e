// List semantics: selectors, a stable name order, and limit/continue pagination whose
// token carries the last key returned. Pure apart from the input array.

import type { StoredObject } from './object-store.ts';
import {
  matchFields,
  matchLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from './selectors.ts';
import type { ResourceType } from './resource-type.ts';
import { newBadRequest, StatusError } from './status-error.ts';

export interface ListQuery {
  labelSelector: string;
  fieldSelector: string;
  limit: number;
  continueToken: string;
}

export interface ListPage {
  items: StoredObject[];
  continueToken: string | undefined;
  remainingItemCount: number | undefined;
}

/** A predicate for the selectors of a list or watch; 400 BadRequest on a bad selector. */
export function buildMatcher(
  t: ResourceType,
  labelSelector: string,
  fieldSelector: string,
): (o: StoredObject) => boolean {
  try {
    const labels = parseLabelSelector(labelSelector);
    const fields = parseFieldSelector(fieldSelector, [
      'metadata.name',
      'metadata.namespace',
      ...t.fieldSelectors,
    ]);
    if (labels.length === 0 && fields.length === 0) return () => true;
    return (o) => matchLabels(labels, o.metadata.labels) && matchFields(fields, o);
  } catch (err) {
    if (err instanceof SelectorError) throw newBadRequest(err.message);
    throw err;
  }
}

function keyOf(o: StoredObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

export function encodeContinue(rv: number, lastKey: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: lastKey })).toString(
    'base64url',
  );
}

function decodeContinue(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString()) as { start?: unknown };
    if (typeof parsed.start === 'string') return parsed.start;
  } catch {
    // fall through
  }
  throw new StatusError(
    400,
    'BadRequest',
    'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
  );
}

export function paginate(
  all: StoredObject[],
  matches: (o: StoredObject) => boolean,
  q: ListQuery,
  rv: number,
  filtered: boolean,
): ListPage {
  let items = all.filter(matches);
  if (q.limit <= 0 && q.continueToken === '')
    return { items, continueToken: undefined, remainingItemCount: undefined };
  items.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  if (q.continueToken !== '') {
    const start = decodeContinue(q.continueToken);
    items = items.filter((o) => keyOf(o) > start);
  }
  if (q.limit <= 0 || items.length <= q.limit)
    return { items, continueToken: undefined, remainingItemCount: undefined };
  const page = items.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page,
    continueToken: last === undefined ? undefined : encodeContinue(rv, keyOf(last)),
    // The real server only counts the rest when no selector filters the list.
    remainingItemCount: filtered ? undefined : items.length - page.length,
  };
}
