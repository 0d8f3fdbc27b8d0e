// events.k8s.io/v1 Events are a second view of the core/v1 Events storage, as in a real
// cluster: what a recorder writes through one API, `kubectl describe` reads through the
// other. Field mapping as in k8s.io/kubernetes pkg/apis/events/v1 conversion.

import type { StorageConversion } from './resource-type.ts';
import type { StatusCause } from './status-error.ts';
import { validateEventCreate } from './event-validation.ts';

/** events.k8s.io/v1 name → core/v1 name, where they differ. */
const RENAMED: [string, string][] = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['reportingController', 'reportingComponent'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
];

const TO_CORE = new Map(RENAMED);
const FROM_CORE = new Map(RENAMED.map(([v1, core]) => [core, v1]));

function rename(obj: Record<string, unknown>, names: Map<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (value === undefined || value === null) continue;
    out[names.get(key) ?? key] = value;
  }
  return out;
}

/** Selector fields of events.k8s.io/v1 (`regarding.name`) in core terms (`involvedObject.name`). */
function translateField(field: string): string {
  const [head = '', ...rest] = field.split('.');
  const core = TO_CORE.get(head);
  return core === undefined ? field : [core, ...rest].join('.');
}

export const EVENTS_V1_CONVERSION: StorageConversion = {
  storage: { group: '', version: 'v1', resource: 'events' },
  toStorage: (obj) => ({ ...rename(obj, TO_CORE), apiVersion: 'v1', kind: 'Event' }),
  fromStorage: (obj) => {
    const out = rename(obj, FROM_CORE);
    // Counters the core API defaults to zero are absent in events.k8s.io/v1.
    if (out['deprecatedCount'] === 0) delete out['deprecatedCount'];
    return {
      ...out,
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: obj.metadata,
    };
  },
  translateField,
  validate: (obj, namespace): StatusCause[] =>
    validateEventCreate({
      ...obj,
      apiVersion: 'events.k8s.io/v1',
      metadata: { ...obj.metadata, namespace },
    }),
};
