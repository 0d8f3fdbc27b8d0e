/**
 * Evicts pods through the Eviction API (policy/v1) and waits until they are gone, as
 * `kubectl drain` does: a 429 means a PodDisruptionBudget allows no disruption now, so the
 * eviction is tried again every retry interval until the deadline; a pod gone already
 * (404) or replaced under the same name (another uid) counts as evicted.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { statusCodeOf } from '../../../kube/errors.ts';
import type { ActionContext } from '../../runtime/define-action.ts';
import { explainApiError } from '../../runtime/kube-calls.ts';
import { podKey } from './select-drain-pods.ts';

export interface EvictOptions {
  /** Negative: each pod's own terminationGracePeriodSeconds. */
  gracePeriodSeconds: number;
  deadline: number;
  retryIntervalMs: number;
}

export type EvictionOutcome =
  { pod: string; evicted: true } | { pod: string; evicted: false; reason: string };

/** Why the API refused: the Status causes (the budget and its numbers), else its message. */
function refusalReason(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  try {
    const status = JSON.parse(typeof body === 'string' ? body : JSON.stringify(body)) as {
      message?: string;
      details?: { causes?: { message?: string }[] };
    };
    const causes = (status.details?.causes ?? []).map((c) => c.message ?? '').filter(Boolean);
    return causes.length > 0 ? causes.join('; ') : (status.message ?? 'TooManyRequests');
  } catch {
    return 'TooManyRequests';
  }
}

export async function evictPod(
  context: ActionContext<unknown>,
  pod: V1Pod,
  options: EvictOptions,
): Promise<EvictionOutcome> {
  const core = context.api(CoreV1Api);
  const name = pod.metadata?.name ?? '';
  const namespace = pod.metadata?.namespace ?? '';
  const key = podKey(pod);
  const body = {
    apiVersion: 'policy/v1',
    kind: 'Eviction',
    metadata: { name, namespace },
    ...(options.gracePeriodSeconds >= 0
      ? { deleteOptions: { gracePeriodSeconds: options.gracePeriodSeconds } }
      : {}),
  };
  for (;;) {
    try {
      await core.createNamespacedPodEviction({ name, namespace, body });
      context.log.info({ pod: key }, 'eviction accepted');
      break;
    } catch (error) {
      const code = statusCodeOf(error);
      if (code === 404) return { pod: key, evicted: true };
      if (code !== 429)
        return { pod: key, evicted: false, reason: explainApiError(`pod ${key}`, error).message };
      const reason = refusalReason(error);
      if (Date.now() + options.retryIntervalMs > options.deadline || context.signal.aborted)
        return { pod: key, evicted: false, reason };
      context.log.info({ pod: key, reason }, 'eviction refused, will retry');
      await sleep(options.retryIntervalMs, undefined, { signal: context.signal }).catch(
        () => undefined,
      );
    }
  }
  return waitGone(context, pod, options.deadline);
}

const POLL_MS = 250;

async function waitGone(
  context: ActionContext<unknown>,
  pod: V1Pod,
  deadline: number,
): Promise<EvictionOutcome> {
  const core = context.api(CoreV1Api);
  const key = podKey(pod);
  for (;;) {
    try {
      const now = await core.readNamespacedPod({
        name: pod.metadata?.name ?? '',
        namespace: pod.metadata?.namespace ?? '',
      });
      if (now.metadata?.uid !== pod.metadata?.uid) return { pod: key, evicted: true };
    } catch (error) {
      if (statusCodeOf(error) === 404) return { pod: key, evicted: true };
      throw explainApiError(`pod ${key}`, error);
    }
    if (Date.now() + POLL_MS > deadline || context.signal.aborted)
      return { pod: key, evicted: false, reason: 'evicted but still terminating' };
    await sleep(POLL_MS, undefined, { signal: context.signal }).catch(() => undefined);
  }
}
