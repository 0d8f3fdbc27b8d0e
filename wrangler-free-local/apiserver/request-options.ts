// Query parameters and option bodies of resource requests, read as the real server does.

import { parseBody } from './http-io.ts';
import type { Route } from './resource-routes.ts';
import type { PropagationPolicy } from './resource-type.ts';
import type { DeleteOptions, FieldValidation, WriteOptions } from './write-rules.ts';
import { newBadRequest } from './status-error.ts';

export function readWriteOptions(q: URLSearchParams): WriteOptions {
  const fv = q.get('fieldValidation');
  const fieldValidation: FieldValidation = fv === 'Strict' || fv === 'Ignore' ? fv : 'Warn';
  return { dryRun: q.get('dryRun') === 'All', fieldValidation };
}

export function readDeleteOptions(q: URLSearchParams, body: string): DeleteOptions {
  const parsed =
    body === '' ? {} : (parseBody(body, 'application/json') as Record<string, unknown>);
  const opts: DeleteOptions = {};
  const policy = (parsed['propagationPolicy'] ?? q.get('propagationPolicy') ?? undefined) as
    string | undefined;
  const orphan =
    parsed['orphanDependents'] ??
    (q.get('orphanDependents') === null ? undefined : q.get('orphanDependents') === 'true');
  if (policy !== undefined) {
    if (!['Foreground', 'Background', 'Orphan'].includes(policy))
      throw newBadRequest(`invalid propagationPolicy "${policy}"`);
    opts.propagationPolicy = policy as PropagationPolicy;
  } else if (orphan !== undefined)
    opts.propagationPolicy = orphan === true ? 'Orphan' : 'Background';
  if (typeof parsed['preconditions'] === 'object' && parsed['preconditions'] !== null) {
    opts.preconditions = parsed['preconditions'];
  }
  const grace = parsed['gracePeriodSeconds'] ?? q.get('gracePeriodSeconds') ?? undefined;
  if (grace !== undefined) opts.gracePeriodSeconds = Number(grace);
  const dryRun = parsed['dryRun'];
  opts.dryRun = q.get('dryRun') === 'All' || (Array.isArray(dryRun) && dryRun.includes('All'));
  return opts;
}

export function readVerb(method: string, route: Route): string {
  switch (method) {
    case 'GET':
      return route.watch ? 'watch' : route.name === undefined ? 'list' : 'get';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return route.name === undefined ? 'deletecollection' : 'delete';
    default:
      return method.toLowerCase();
  }
}

export function readIncludeObject(q: URLSearchParams): 'None' | 'Metadata' | 'Object' {
  const v = q.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}
