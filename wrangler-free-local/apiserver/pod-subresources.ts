// pods/log (see pod-logs.ts), pods/eviction (see pod-eviction.ts: PodDisruptionBudgets
// honoured) and pods/binding (sets the node).

import type { ServerResponse } from 'node:http';
import { parseBody, sendJson } from './http-io.ts';
import { handleEviction } from './pod-eviction.ts';
import { serveLog } from './pod-logs.ts';
import type { Route, RouteContext } from './resource-routes.ts';
import { newConflict, newMethodNotAllowed, StatusError } from './status-error.ts';

function successStatus(code: number): string {
  return JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    code,
  });
}

export function handlePodSubresource(
  ctx: RouteContext,
  route: Route,
  method: string,
  query: URLSearchParams,
  body: string,
  res: ServerResponse,
): void {
  const ns = route.namespace ?? '';
  const name = route.name ?? '';
  const pod = ctx.service.get(route.type, ns, name);
  switch (route.subresource) {
    case 'log':
      if (method !== 'GET')
        throw newMethodNotAllowed(
          'the server does not allow this method on the requested resource',
        );
      serveLog({ logs: ctx.podLogs, store: ctx.store, track: ctx.trackWatch }, pod, query, res);
      return;
    case 'eviction':
      if (method !== 'POST')
        throw newMethodNotAllowed(
          'the server does not allow this method on the requested resource',
        );
      handleEviction(ctx, route, pod, query, body, res);
      return;
    case 'binding': {
      if (method !== 'POST')
        throw newMethodNotAllowed(
          'the server does not allow this method on the requested resource',
        );
      const binding = parseBody(body, 'application/json') as { target?: { name?: string } };
      const node = binding.target?.name ?? '';
      const spec = (pod['spec'] ?? {}) as { nodeName?: string };
      if (spec.nodeName !== undefined && spec.nodeName !== '') {
        throw newConflict(
          route.type,
          name,
          `pod ${name} is already assigned to node "${spec.nodeName}"`,
        );
      }
      const next = structuredClone(pod);
      (next['spec'] as Record<string, unknown>)['nodeName'] = node;
      const status = (next['status'] ??= {}) as { conditions?: unknown[] };
      status.conditions = [
        ...(status.conditions ?? []),
        {
          type: 'PodScheduled',
          status: 'True',
          lastProbeTime: null,
          lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        },
      ];
      ctx.service.writeInternal(route.type, next);
      sendJson(res, 201, successStatus(201));
      return;
    }
    default:
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
  }
}
