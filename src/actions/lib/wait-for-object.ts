/**
 * Waits until one object reaches a state, as `kubectl rollout status` and `kubectl wait` do:
 * read it, then watch it from the resourceVersion read, judging every change; a watch the
 * server ends early is resumed with a fresh read. Ends on done, on a state that waiting
 * cannot fix, on deletion, on the timeout or on the action's stop signal.
 */
import { Watch, type KubernetesObject } from '@kubernetes/client-node';
import { ActionError } from '../runtime/action-error.ts';
import type { ActionContext } from '../runtime/define-action.ts';
import { callApi } from '../runtime/kube-calls.ts';

export interface Judgement {
  state: 'done' | 'waiting' | 'failed';
  message: string;
}

export interface WaitOptions<T extends KubernetesObject> {
  /** "deployment default/web", for messages. */
  what: string;
  /** The object's collection, e.g. /apis/apps/v1/namespaces/default/deployments. */
  collectionPath: string;
  name: string;
  read: () => Promise<T>;
  judge: (object: T) => Judgement;
  timeoutMs: number;
}

export async function waitForObject<T extends KubernetesObject>(
  context: ActionContext<unknown>,
  options: WaitOptions<T>,
): Promise<{ object: T; message: string }> {
  const deadline = Date.now() + options.timeoutMs;
  let last: Judgement = { state: 'waiting', message: 'not read yet' };
  for (;;) {
    const object = await callApi(options.what, options.read());
    last = settle(options, object);
    if (last.state === 'done') return { object, message: last.message };
    context.log.info({ target: options.what }, last.message);
    const remaining = deadline - Date.now();
    if (remaining <= 0 || context.signal.aborted) break;
    const outcome = await watchChanges(context, options, object, remaining, (judged) => {
      last = judged;
    });
    if (outcome) return outcome;
  }
  const why = context.signal.aborted
    ? 'the action was stopped'
    : `gave up after ${String(Math.round(options.timeoutMs / 1000))}s`;
  throw new ActionError('Timeout', `${options.what}: ${last.message} (${why})`);
}

function settle<T extends KubernetesObject>(options: WaitOptions<T>, object: T): Judgement {
  const judged = options.judge(object);
  if (judged.state === 'failed')
    throw new ActionError('Failed', `${options.what}: ${judged.message}`);
  return judged;
}

/** One watch: the object when it is done, undefined when the watch ended or time ran out. */
async function watchChanges<T extends KubernetesObject>(
  context: ActionContext<unknown>,
  options: WaitOptions<T>,
  from: T,
  remainingMs: number,
  onJudged: (judged: Judgement) => void,
): Promise<{ object: T; message: string } | undefined> {
  let request: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await new Promise((resolve, reject) => {
      timer = setTimeout(() => {
        resolve(undefined);
      }, remainingMs);
      onAbort = () => {
        resolve(undefined);
      };
      context.signal.addEventListener('abort', onAbort, { once: true });
      void new Watch(context.kubeConfig())
        .watch(
          options.collectionPath,
          {
            fieldSelector: `metadata.name=${options.name}`,
            resourceVersion: from.metadata?.resourceVersion,
            allowWatchBookmarks: true,
          },
          (type: string, object: T) => {
            if (type === 'BOOKMARK' || type === 'ERROR') return;
            if (type === 'DELETED') {
              reject(new ActionError('NotFound', `${options.what} was deleted while waiting`));
              return;
            }
            try {
              const judged = settle(options, object);
              onJudged(judged);
              if (judged.state === 'done') resolve({ object, message: judged.message });
            } catch (error) {
              reject(error instanceof Error ? error : new Error(String(error)));
            }
          },
          // The server ended the watch (or it broke): resume from a fresh read.
          () => {
            resolve(undefined);
          },
        )
        .then((controller) => (request = controller), reject);
    });
  } finally {
    clearTimeout(timer);
    if (onAbort) context.signal.removeEventListener('abort', onAbort);
    request?.abort();
  }
}
