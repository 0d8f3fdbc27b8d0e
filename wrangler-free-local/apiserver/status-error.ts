// Errors as the real API server reports them: a metav1.Status with the reason, code and
// details that clients (client-go, client-node, kubectl) classify by.

export type JsonObject = Record<string, unknown>;

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface ResourceRef {
  group: string;
  resource: string;
  name?: string;
}

/** The one error type of the server; mapped to a Status response in one place. */
export class StatusError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: StatusDetails | undefined;

  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  toStatus(): JsonObject {
    const status: JsonObject = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details !== undefined) status['details'] = this.details;
    return status;
  }
}

/** `deployments.apps` or `pods`: how messages name a resource. */
export function formatQualifiedResource(ref: ResourceRef): string {
  return ref.group === '' ? ref.resource : `${ref.resource}.${ref.group}`;
}

/** Field order and omitempty as metav1.StatusDetails serializes. */
function detailsOf(ref: ResourceRef, name: string | undefined): StatusDetails {
  const details: StatusDetails = {};
  if (name !== undefined && name !== '') details.name = name;
  if (ref.group !== '') details.group = ref.group;
  details.kind = ref.resource;
  return details;
}

export function newNotFound(ref: ResourceRef, name: string): StatusError {
  return new StatusError(
    404,
    'NotFound',
    `${formatQualifiedResource(ref)} "${name}" not found`,
    detailsOf(ref, name),
  );
}

export function newAlreadyExists(ref: ResourceRef, name: string): StatusError {
  return new StatusError(
    409,
    'AlreadyExists',
    `${formatQualifiedResource(ref)} "${name}" already exists`,
    detailsOf(ref, name),
  );
}

export function newConflict(ref: ResourceRef, name: string, why: string): StatusError {
  return new StatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${formatQualifiedResource(ref)} "${name}": ${why}`,
    detailsOf(ref, name),
  );
}

export const STALE_OBJECT_MESSAGE =
  'the object has been modified; please apply your changes to the latest version and try again';

/** `causes` must be non-empty; the message lists them as the real server does. */
export function newInvalid(
  kind: string,
  group: string,
  name: string,
  causes: StatusCause[],
): StatusError {
  const list = causes.map((c) => (c.field === undefined ? c.message : `${c.field}: ${c.message}`));
  const summary = list.length === 1 ? (list[0] ?? '') : `[${list.join(', ')}]`;
  return new StatusError(422, 'Invalid', `${kind}.${group} "${name}" is invalid: ${summary}`, {
    name,
    group,
    kind,
    causes,
  });
}

export function newBadRequest(message: string): StatusError {
  return new StatusError(400, 'BadRequest', message);
}

export function newMethodNotAllowed(message: string): StatusError {
  return new StatusError(405, 'MethodNotAllowed', message);
}

export function newGone(message: string): StatusError {
  return new StatusError(410, 'Expired', message);
}

export function newUnauthorized(): StatusError {
  return new StatusError(401, 'Unauthorized', 'Unauthorized');
}

export function newForbidden(ref: ResourceRef, name: string, why: string): StatusError {
  const what =
    name === '' ? formatQualifiedResource(ref) : `${formatQualifiedResource(ref)} "${name}"`;
  return new StatusError(403, 'Forbidden', `${what} is forbidden: ${why}`, detailsOf(ref, name));
}

export function newTooManyRequests(): StatusError {
  return new StatusError(429, 'TooManyRequests', 'Too many requests, please try again later.', {
    retryAfterSeconds: 1,
  });
}

export function newInternalError(why: string): StatusError {
  return new StatusError(500, 'InternalError', `Internal error occurred: ${why}`, {
    causes: [{ reason: '', message: why }],
  });
}

export function newServiceUnavailable(why: string): StatusError {
  return new StatusError(503, 'ServiceUnavailable', why);
}

export function newUnsupportedMediaType(contentType: string, accepted: string[]): StatusError {
  return new StatusError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
    { causes: [{ reason: 'UnsupportedMediaType', message: contentType }] },
  );
}

/** Status reason for a plain HTTP code, for injected faults. */
export function newStatusForCode(code: number, ref: ResourceRef, name: string): StatusError {
  switch (code) {
    case 409:
      return newConflict(ref, name, STALE_OBJECT_MESSAGE);
    case 429:
      return newTooManyRequests();
    case 503:
      return newServiceUnavailable('the server is currently unable to handle the request');
    default:
      return newInternalError('injected fault');
  }
}
