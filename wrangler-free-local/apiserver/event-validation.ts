// Validation of Events as ValidateEventCreate does it: legacy core/v1 events only need their
// namespace to match the involved object's; new-style events (eventTime set, and every
// events.k8s.io/v1 event) need the reporting fields too. A recorder that is wrong here
// works nowhere else either, so the server rejects what a real one rejects.

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

function checkNamespace(obj: StoredObject, f: EventFields): StatusCause[] {
  const namespace = obj.metadata.namespace ?? '';
  const objectNs = asMap(obj[f.object])['namespace'];
  const field = `${f.object}.namespace`;
  if (isBlank(objectNs)) {
    // Events about cluster-scoped objects live in "default" (or nowhere).
    return namespace === '' || namespace === 'default'
      ? []
      : [
          {
            reason: 'FieldValueInvalid',
            field,
            message: 'Invalid value: "": does not match event.namespace',
          },
        ];
  }
  return objectNs === namespace
    ? []
    : [
        {
          reason: 'FieldValueInvalid',
          field,
          message: `Invalid value: ${JSON.stringify(objectNs)}: does not match event.namespace`,
        },
      ];
}

function checkReportingFields(obj: StoredObject, f: EventFields): StatusCause[] {
  const causes: StatusCause[] = [];
  if (isBlank(obj['eventTime'])) causes.push(required('eventTime'));
  for (const key of [f.controller, 'reportingInstance', 'action', 'reason']) {
    if (isBlank(obj[key])) causes.push(required(key));
  }
  const type = obj['type'];
  if (type !== 'Normal' && type !== 'Warning') {
    causes.push({
      reason: 'FieldValueInvalid',
      field: 'type',
      message: `Invalid value: "": has invalid value: ${typeof type === 'string' ? type : ''}`,
    });
  }
  const note = obj[f.note];
  if (typeof note === 'string' && Buffer.byteLength(note) > 1024) {
    causes.push({
      reason: 'FieldValueTooLong',
      field: f.note,
      message: 'Too long: may not be more than 1024 bytes',
    });
  }
  return causes;
}

export function validateEventCreate(obj: StoredObject): StatusCause[] {
  const f = obj.apiVersion === 'events.k8s.io/v1' ? EVENTS_V1 : CORE;
  const causes = checkNamespace(obj, f);
  if (f === EVENTS_V1 || !isBlank(obj['eventTime'])) causes.push(...checkReportingFields(obj, f));
  return causes;
}
