// Validation of Events as ValidateEventCreate does it. Every request gets the legacy rules:
// without eventTime, the event's namespace must match the involved object's; with eventTime
// (a "new" event), the reporting fields are required. Requests to events.k8s.io/v1 also get
// the strict rules (eventTime required, type Normal or Warning, no deprecated fields).

import type { StoredObject } from './object-store.ts';
import type { StatusCause } from './status-error.ts';

type Json = Record<string, unknown>;

function asMap(v: unknown): Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
}

function isBlank(v: unknown): boolean {
  return typeof v !== 'string' || v === '';
}

function required(field: string): StatusCause {
  return { reason: 'FieldValueRequired', field, message: 'Required value' };
}

function invalid(field: string, value: unknown, detail: string): StatusCause {
  return {
    reason: 'FieldValueInvalid',
    field,
    message: `Invalid value: ${JSON.stringify(value)}: ${detail}`,
  };
}

/** Field names of the two Event APIs. */
interface EventFields {
  object: string;
  controller: string;
  note: string;
}

const CORE: EventFields = {
  object: 'involvedObject',
  controller: 'reportingComponent',
  note: 'message',
};
const EVENTS_V1: EventFields = {
  object: 'regarding',
  controller: 'reportingController',
  note: 'note',
};

function validateLegacy(obj: StoredObject, f: EventFields): StatusCause[] {
  const namespace = obj.metadata.namespace ?? '';
  const objectNs = asMap(obj[f.object])['namespace'];
  const nsField = `${f.object}.namespace`;
  const causes: StatusCause[] = [];
  if (isBlank(obj['eventTime'])) {
    // Old-style events: the namespaces agree (cluster-scoped objects' events live in default).
    if (isBlank(objectNs) ? namespace !== '' && namespace !== 'default' : objectNs !== namespace) {
      causes.push(invalid(nsField, objectNs ?? '', 'does not match event.namespace'));
    }
    return causes;
  }
  if (isBlank(objectNs) && namespace !== 'default' && namespace !== 'kube-system') {
    causes.push(invalid(nsField, '', 'does not match event.namespace'));
  }
  for (const key of [f.controller, 'reportingInstance', 'action', 'reason']) {
    if (isBlank(obj[key])) causes.push(required(key));
  }
  const note = obj[f.note];
  if (typeof note === 'string' && Buffer.byteLength(note) > 1024) {
    causes.push(invalid(f.note, '', 'can have at most 1024 characters'));
  }
  return causes;
}

function validateStrict(obj: StoredObject): StatusCause[] {
  const causes: StatusCause[] = [];
  if (isBlank(obj['eventTime'])) causes.push(required('eventTime'));
  const type = obj['type'];
  if (type !== 'Normal' && type !== 'Warning') {
    causes.push(invalid('type', '', `has invalid value: ${typeof type === 'string' ? type : ''}`));
  }
  for (const key of [
    'deprecatedFirstTimestamp',
    'deprecatedLastTimestamp',
    'deprecatedCount',
    'deprecatedSource',
  ]) {
    if (obj[key] !== undefined && obj[key] !== null && obj[key] !== 0)
      causes.push(invalid(key, '', 'needs to be unset'));
  }
  return causes;
}

export function validateEventCreate(obj: StoredObject): StatusCause[] {
  const strict = obj.apiVersion === 'events.k8s.io/v1';
  const causes = validateLegacy(obj, strict ? EVENTS_V1 : CORE);
  return strict ? [...causes, ...validateStrict(obj)] : causes;
}
