// POST pods/{name}/eviction (policy/v1 or v1beta1 Eviction), as the real REST handler does
// it: terminal, pending and terminating pods are deleted at once; otherwise the one
// PodDisruptionBudget guarding the pod must allow a disruption, which the eviction takes
// (recorded in the budget's disruptedPods) before the pod is deleted. A budget that allows
// none answers 429 TooManyRequests, which clients such as `kubectl drain` retry.

import type { ServerResponse } from 'node:http';
import { budgetGuardsPod, canIgnoreBudgets, decideEviction } from './disruption-budget.ts';
import { parseBody, sendJson } from './http-io.ts';
import type { StoredObject } from './object-store.ts';
import type { Route, RouteContext } from './resource-routes.ts';
import { newBadRequest } from './status-error.ts';
import type { DeleteOptions } from './write-rules.ts';

interface EvictionBody {
  metadata?: { name?: string };
  deleteOptions?: {
    gracePeriodSeconds?: number;
    preconditions?: { uid?: string; resourceVersion?: string };
    dryRun?: string[];
  };
}

const SUCCESS = JSON.stringify({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Success',
  code: 201,
});

function readDeleteOptions(body: EvictionBody, query: URLSearchParams): DeleteOptions {
  const given = body.deleteOptions ?? {};
  const queryDryRun = query.getAll('dryRun');
  const bodyDryRun = given.dryRun ?? [];
  if (
    queryDryRun.length > 0 &&
    bodyDryRun.length > 0 &&
    queryDryRun.join(',') !== bodyDryRun.join(',')
  ) {
    throw newBadRequest(
      `Non-matching dry-run options in request and content: [${queryDryRun.join(' ')}] and [${bodyDryRun.join(' ')}]`,
    );
  }
  return {
    ...(given.preconditions === undefined ? {} : { preconditions: given.preconditions }),
    ...(typeof given.gracePeriodSeconds === 'number'
      ? { gracePeriodSeconds: given.gracePeriodSeconds }
      : {}),
    dryRun: [...queryDryRun, ...bodyDryRun].includes('All'),
  };
}

export function handleEviction(
  ctx: RouteContext,
  route: Route,
  pod: StoredObject,
  query: URLSearchParams,
  text: string,
  res: ServerResponse,
): void {
  const body = parseBody(text, 'application/json') as EvictionBody;
  const name = pod.metadata.name;
  if (body.metadata?.name !== name)
    throw newBadRequest('name in URL does not match name in Eviction object');
  const options = readDeleteOptions(body, query);
  const namespace = pod.metadata.namespace ?? '';
  const remove = (): void => {
    ctx.service.delete(route.type, namespace, name, options);
    sendJson(res, 201, SUCCESS);
  };
  if (canIgnoreBudgets(pod)) {
    remove();
    return;
  }
  const budgets = ctx.disruption.syncNamespace(namespace).filter((b) => budgetGuardsPod(b, pod));
  if (budgets.length > 1) {
    sendJson(
      res,
      500,
      JSON.stringify({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message:
          'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
        code: 500,
      }),
    );
    return;
  }
  const decision = decideEviction(pod, budgets[0], Date.now());
  const budgetType = ctx.disruption.budgetType();
  if (decision.kind === 'decrement' && !options.dryRun && budgetType !== undefined) {
    ctx.service.writeInternal(budgetType, {
      ...structuredClone(decision.budget),
      status: decision.status,
    });
  }
  remove();
}
