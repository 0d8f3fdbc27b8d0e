// pods/log (text kept by the server for a simulated kubelet to fill), pods/eviction
// (deletes the pod; PodDisruptionBudgets are not modelled) and pods/binding (sets the node).

import type { ServerResponse } from 'node:http';
import { parseBody, sendJson, sendText } from './http-io.ts';
import type { StoredObject } from './object-store.ts';
import type { Route, RouteContext } from './resource-routes.ts';
import { newBadRequest, newConflict, newMethodNotAllowed, StatusError } from './status-error.ts';

export function formatPodLogKey(namespace: string, pod: string, container: string): string {
  return `${namespace}/${pod}/${container}`;
}

function listContainerNames(pod: StoredObject): string[] {
  const containers =
    (pod['spec'] as { containers?: { name?: string }[] } | undefined)?.containers ?? [];
  return containers.map((c) => c.name ?? '');
}

function successStatus(code: number): string {
  return JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    code,
  });
}

function readLog(ctx: RouteContext, pod: StoredObject, query: URLSearchParams): string {
  const names = listContainerNames(pod);
  let container = query.get('container') ?? '';
  if (container === '') {
    if (names.length !== 1) {
      throw newBadRequest(
        `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(' ')}]`,
      );
    }
    container = names[0] ?? '';
  } else if (!names.includes(container)) {
    throw newBadRequest(`container ${container} is not valid for pod ${pod.metadata.name}`);
  }
  const text =
    ctx.podLogs.get(formatPodLogKey(pod.metadata.namespace ?? '', pod.metadata.name, container)) ??
    '';
  const tail = Number(query.get('tailLines') ?? '-1');
  if (tail < 0) return text;
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines
    .slice(Math.max(0, lines.length - tail))
    .map((l) => `${l}\n`)
    .join('');
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
      sendText(res, 200, readLog(ctx, pod, query));
      return;
    case 'eviction': {
      if (method !== 'POST')
        throw newMethodNotAllowed(
          'the server does not allow this method on the requested resource',
        );
      const eviction = parseBody(body, 'application/json') as {
        deleteOptions?: { preconditions?: { uid?: string; resourceVersion?: string } };
      };
      const preconditions = eviction.deleteOptions?.preconditions;
      ctx.service.delete(
        route.type,
        ns,
        name,
        preconditions === undefined ? {} : { preconditions },
      );
      sendJson(res, 201, successStatus(201));
      return;
    }
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
