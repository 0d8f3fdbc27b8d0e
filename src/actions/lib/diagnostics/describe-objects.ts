/**
 * `kubectl describe`-like text for a workload, its pods and their events, pure: what an
 * on-call engineer reads first (readiness, restarts, last termination reasons, warnings), so
 * the workspace holds a readable record of the state at remediation time.
 */
import type {
  CoreV1Event,
  V1Container,
  V1ContainerStatus,
  V1LabelSelector,
  V1ObjectMeta,
  V1Pod,
} from '@kubernetes/client-node';

export interface DescribedObject {
  kind: string;
  metadata?: V1ObjectMeta;
  spec?: object;
  status?: object;
}

/** A LabelSelector as the `labelSelector` query string (matchLabels and matchExpressions). */
export function formatSelector(selector: V1LabelSelector | undefined): string {
  const parts = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector?.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

const line = (label: string, value: string | number | boolean | undefined): string =>
  `${`${label}:`.padEnd(20)}${value === undefined || value === '' ? '<none>' : String(value)}`;

const labels = (meta: V1ObjectMeta | undefined): string =>
  Object.entries(meta?.labels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');

export function isReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export function restartsOf(pod: V1Pod): number {
  return (pod.status?.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0);
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export function describeWorkloadText(object: DescribedObject): string {
  const meta = object.metadata;
  const status = (object.status ?? {}) as Record<string, unknown>;
  const spec = (object.spec ?? {}) as { replicas?: number; selector?: V1LabelSelector };
  const count = (...keys: string[]): number => {
    for (const key of keys) {
      const value = status[key];
      if (typeof value === 'number') return value;
    }
    return 0;
  };
  const conditions = (
    Array.isArray(status['conditions']) ? status['conditions'] : []
  ) as Condition[];
  const replicas =
    spec.replicas === undefined
      ? undefined
      : `${spec.replicas} desired | ${count('updatedReplicas')} updated | ${count('readyReplicas', 'numberReady')} ready | ${count('unavailableReplicas')} unavailable`;
  return [
    line('Name', meta?.name),
    line('Namespace', meta?.namespace),
    line('Kind', object.kind),
    line('Labels', labels(meta)),
    line('Selector', formatSelector(spec.selector)),
    line('Replicas', replicas),
    line('Generation', `${meta?.generation ?? 0} (observed ${count('observedGeneration')})`),
    'Conditions:',
    ...conditions.map(
      (c) =>
        `  ${c.type}=${c.status}${c.reason ? ` ${c.reason}` : ''}${c.message ? `: ${c.message}` : ''}`,
    ),
    '',
  ].join('\n');
}

function stateOf(s: V1ContainerStatus | undefined): string {
  if (s?.state?.running) return 'Running';
  if (s?.state?.waiting) return `Waiting (${s.state.waiting.reason ?? ''})`;
  const done = s?.state?.terminated;
  return done ? `Terminated (${done.reason ?? ''}, exit ${done.exitCode})` : 'Unknown';
}

function describeContainer(c: V1Container, statuses: V1ContainerStatus[]): string[] {
  const s = statuses.find((x) => x.name === c.name);
  const last = s?.lastState?.terminated;
  return [
    `  ${c.name}:`,
    `    Image:         ${c.image ?? ''}`,
    `    State:         ${stateOf(s)}`,
    ...(last
      ? [`    Last State:    Terminated (${last.reason ?? ''}, exit ${last.exitCode})`]
      : []),
    `    Ready:         ${String(s?.ready ?? false)}`,
    `    Restart Count: ${s?.restartCount ?? 0}`,
    `    Limits:        ${JSON.stringify(c.resources?.limits ?? {})}`,
  ];
}

export function describePodText(pod: V1Pod): string {
  const statuses = pod.status?.containerStatuses ?? [];
  return [
    line('Name', pod.metadata?.name),
    line('Namespace', pod.metadata?.namespace),
    line('Node', pod.spec?.nodeName),
    line('Status', pod.metadata?.deletionTimestamp ? 'Terminating' : pod.status?.phase),
    line('Reason', pod.status?.reason),
    line('IP', pod.status?.podIP),
    line('Ready', isReady(pod)),
    line('Restarts', restartsOf(pod)),
    'Containers:',
    ...(pod.spec?.containers ?? []).flatMap((c) => describeContainer(c, statuses)),
    'Conditions:',
    ...(pod.status?.conditions ?? []).map((c) => `  ${c.type}=${c.status}`),
    '',
  ].join('\n');
}

function eventTime(e: CoreV1Event): string {
  const t = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp;
  return t === undefined ? '' : new Date(t).toISOString();
}

/** Events oldest first, one per line: time, type, reason, object, count, message. */
export function formatEvents(events: readonly CoreV1Event[]): string {
  return [...events]
    .sort((a, b) => eventTime(a).localeCompare(eventTime(b)))
    .map((e) => {
      const object = `${e.involvedObject.kind?.toLowerCase() ?? ''}/${e.involvedObject.name ?? ''}`;
      const head = `${eventTime(e)}  ${(e.type ?? '').padEnd(8)}${(e.reason ?? '').padEnd(22)}`;
      return `${head}${object}  (x${e.count ?? 1})  ${e.message ?? ''}\n`;
    })
    .join('');
}

export interface DiagnosticsSummary {
  text: string;
  readyPods: number;
  restarts: number;
  warnings: number;
}

export function summarize(
  target: string,
  pods: readonly V1Pod[],
  events: readonly CoreV1Event[],
): DiagnosticsSummary {
  const readyPods = pods.filter(isReady).length;
  const restarts = pods.reduce((n, p) => n + restartsOf(p), 0);
  const warningEvents = events.filter((e) => e.type === 'Warning');
  const reasons = new Map<string, number>();
  for (const e of warningEvents)
    reasons.set(e.reason ?? '', (reasons.get(e.reason ?? '') ?? 0) + (e.count ?? 1));
  const top = [...reasons]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([reason, n]) => `${reason} x${n}`);
  const detail = top.length > 0 ? ` (${top.join(', ')})` : '';
  const text = `${target}: ${readyPods}/${pods.length} pods ready, ${restarts} restarts, ${warningEvents.length} warning events${detail}`;
  return { text, readyPods, restarts, warnings: warningEvents.length };
}
