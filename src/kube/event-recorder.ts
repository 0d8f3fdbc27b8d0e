/**
 * Records core/v1 Events about an object, so `kubectl describe` tells its story. Events are
 * best effort, as in client-go's recorder: a failure is reported, never propagated.
 */
import type { CoreV1Event, V1ObjectReference } from '@kubernetes/client-node';

export interface EventTarget {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string };
}

export interface EventRecorder {
  record(target: EventTarget, type: 'Normal' | 'Warning', reason: string, message: string): void;
  /** Resolves when every Event recorded so far was written (or failed). */
  flush(): Promise<void>;
}

export type CreateEvent = (namespace: string, event: CoreV1Event) => Promise<unknown>;

export function createEventRecorder(
  create: CreateEvent,
  component: string,
  onError: (error: unknown) => void = () => undefined,
): EventRecorder {
  let sequence = 0;
  const pending = new Set<Promise<unknown>>();
  return {
    async flush() {
      await Promise.all(pending);
    },
    record(target, type, reason, message) {
      const namespace = target.metadata?.namespace ?? 'default';
      const name = target.metadata?.name ?? 'unknown';
      const involvedObject: V1ObjectReference = {
        apiVersion: target.apiVersion,
        kind: target.kind,
        name,
        namespace,
        uid: target.metadata?.uid,
        resourceVersion: target.metadata?.resourceVersion,
      };
      const now = new Date();
      sequence = (sequence + 1) % 1_000_000;
      const event: CoreV1Event = {
        metadata: {
          name: `${name}.${now.getTime().toString(16)}${sequence.toString(16)}`,
          namespace,
        },
        involvedObject,
        type,
        reason,
        message: message.slice(0, 1024),
        source: { component },
        reportingComponent: component,
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      };
      const write = create(namespace, event)
        .catch(onError)
        .finally(() => pending.delete(write));
      pending.add(write);
    },
  };
}

/** The usual sink: CoreV1Api.createNamespacedEvent. */
export function coreEventSink(core: {
  createNamespacedEvent(request: { namespace: string; body: CoreV1Event }): Promise<unknown>;
}): CreateEvent {
  return (namespace, body) => core.createNamespacedEvent({ namespace, body });
}
