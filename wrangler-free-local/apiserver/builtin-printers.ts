// Default `kubectl get` columns of built-in kinds, close to the real server's printers
// (pkg/printers/internalversion), so humans see what they would see on a cluster.

import type { StoredObject } from './object-store.ts';
import type { PrinterColumn } from './resource-type.ts';
import { formatAge, formatHumanDuration } from './human-duration.ts';
import type { Cell } from './table.ts';

export interface Printer {
  columns: PrinterColumn[];
  render: (obj: StoredObject, now: number) => Cell[];
}

type Json = Record<string, unknown>;

function asMap(v: unknown): Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
}

function asList(v: unknown): Json[] {
  return Array.isArray(v) ? (v as Json[]) : [];
}

function str(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : fallback;
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

const col = (name: string, type = 'string', priority = 0): PrinterColumn => ({
  name,
  type,
  jsonPath: '',
  priority,
});

function status(o: StoredObject): Json {
  return asMap(o['status']);
}

function spec(o: StoredObject): Json {
  return asMap(o['spec']);
}

function renderPod(pod: StoredObject, now: number): Cell[] {
  const s = status(pod);
  const statuses = asList(s['containerStatuses']);
  const total = asList(spec(pod)['containers']).length;
  const ready = statuses.filter((c) => c['ready'] === true).length;
  const restarts = statuses.reduce((n, c) => n + num(c['restartCount']), 0);
  let reason = str(s['reason'], str(s['phase'], 'Unknown'));
  for (const c of statuses) {
    const state = asMap(c['state']);
    const why = asMap(state['waiting'])['reason'] ?? asMap(state['terminated'])['reason'];
    if (typeof why === 'string' && why !== '') reason = why;
  }
  if (pod.metadata.deletionTimestamp !== undefined) reason = 'Terminating';
  return [
    `${ready}/${total}`,
    reason,
    restarts,
    formatAge(pod, now),
    str(s['podIP'], '<none>'),
    str(spec(pod)['nodeName'], '<none>'),
  ];
}

function renderJob(o: StoredObject, now: number): Cell[] {
  const s = status(o);
  const done = asList(s['conditions']).find(
    (c) => (c['type'] === 'Complete' || c['type'] === 'Failed') && c['status'] === 'True',
  );
  const state =
    done === undefined
      ? spec(o)['suspend'] === true
        ? 'Suspended'
        : 'Running'
      : str(done['type']);
  const start = Date.parse(str(s['startTime']));
  const end = typeof s['completionTime'] === 'string' ? Date.parse(s['completionTime']) : now;
  const completions = spec(o)['completions'] ?? 1;
  return [
    state,
    `${num(s['succeeded'])}/${num(completions)}`,
    Number.isNaN(start) ? '' : formatHumanDuration(end - start),
    formatAge(o, now),
  ];
}

function renderEvent(o: StoredObject, now: number): Cell[] {
  const involved = asMap(o['involvedObject']);
  const last = str(o['lastTimestamp'], str(o['eventTime'], o.metadata.creationTimestamp));
  const seen = Date.parse(last);
  return [
    Number.isNaN(seen) ? '<unknown>' : formatHumanDuration(now - seen),
    str(o['type']),
    str(o['reason']),
    `${str(involved['kind']).toLowerCase()}/${str(involved['name'])}`,
    str(o['message']),
  ];
}

const countKeys = (v: unknown): number => Object.keys(asMap(v)).length;

const PRINTERS: Record<string, Printer> = {
  Pod: {
    columns: [
      col('Ready'),
      col('Status'),
      col('Restarts', 'integer'),
      col('Age'),
      col('IP', 'string', 1),
      col('Node', 'string', 1),
    ],
    render: renderPod,
  },
  Deployment: {
    columns: [col('Ready'), col('Up-to-date', 'integer'), col('Available', 'integer'), col('Age')],
    render: (o, now) => [
      `${num(status(o)['readyReplicas'])}/${num(spec(o)['replicas'])}`,
      num(status(o)['updatedReplicas']),
      num(status(o)['availableReplicas']),
      formatAge(o, now),
    ],
  },
  ReplicaSet: {
    columns: [
      col('Desired', 'integer'),
      col('Current', 'integer'),
      col('Ready', 'integer'),
      col('Age'),
    ],
    render: (o, now) => [
      num(spec(o)['replicas']),
      num(status(o)['replicas']),
      num(status(o)['readyReplicas']),
      formatAge(o, now),
    ],
  },
  StatefulSet: {
    columns: [col('Ready'), col('Age')],
    render: (o, now) => [
      `${num(status(o)['readyReplicas'])}/${num(spec(o)['replicas'])}`,
      formatAge(o, now),
    ],
  },
  DaemonSet: {
    columns: [
      col('Desired', 'integer'),
      col('Current', 'integer'),
      col('Ready', 'integer'),
      col('Up-to-date', 'integer'),
      col('Available', 'integer'),
      col('Age'),
    ],
    render: (o, now) => {
      const s = status(o);
      return [
        num(s['desiredNumberScheduled']),
        num(s['currentNumberScheduled']),
        num(s['numberReady']),
        num(s['updatedNumberScheduled']),
        num(s['numberAvailable']),
        formatAge(o, now),
      ];
    },
  },
  Job: {
    columns: [col('Status'), col('Completions'), col('Duration'), col('Age')],
    render: renderJob,
  },
  Namespace: {
    columns: [col('Status'), col('Age')],
    render: (o, now) => [str(status(o)['phase']), formatAge(o, now)],
  },
  ConfigMap: {
    columns: [col('Data', 'integer'), col('Age')],
    render: (o, now) => [countKeys(o['data']) + countKeys(o['binaryData']), formatAge(o, now)],
  },
  Secret: {
    columns: [col('Type'), col('Data', 'integer'), col('Age')],
    render: (o, now) => [str(o['type']), countKeys(o['data']), formatAge(o, now)],
  },
  PersistentVolumeClaim: {
    columns: [
      col('Status'),
      col('Volume'),
      col('Capacity'),
      col('Access Modes'),
      col('StorageClass'),
      col('Age'),
    ],
    render: (o, now) => [
      str(status(o)['phase']),
      str(spec(o)['volumeName']),
      str(asMap(status(o)['capacity'])['storage']),
      asList(spec(o)['accessModes'])
        .map(
          (m) =>
            ({
              ReadWriteOnce: 'RWO',
              ReadOnlyMany: 'ROX',
              ReadWriteMany: 'RWX',
              ReadWriteOncePod: 'RWOP',
            })[str(m)] ?? '',
        )
        .join(','),
      str(spec(o)['storageClassName'], '<unset>'),
      formatAge(o, now),
    ],
  },
  Node: {
    columns: [col('Status'), col('Roles'), col('Age'), col('Version')],
    render: (o, now) => {
      const ready = asList(status(o)['conditions']).find((c) => c['type'] === 'Ready');
      const state = ready?.['status'] === 'True' ? 'Ready' : 'NotReady';
      return [
        spec(o)['unschedulable'] === true ? `${state},SchedulingDisabled` : state,
        '<none>',
        formatAge(o, now),
        str(asMap(status(o)['nodeInfo'])['kubeletVersion']),
      ];
    },
  },
  PodDisruptionBudget: {
    columns: [
      col('Min Available'),
      col('Max Unavailable'),
      col('Allowed Disruptions', 'integer'),
      col('Age'),
    ],
    render: (o, now) => {
      const show = (v: unknown): string =>
        typeof v === 'number' ? String(v) : typeof v === 'string' ? v : 'N/A';
      return [
        show(spec(o)['minAvailable']),
        show(spec(o)['maxUnavailable']),
        num(status(o)['disruptionsAllowed']),
        formatAge(o, now),
      ];
    },
  },
  Lease: {
    columns: [col('Holder'), col('Age')],
    render: (o, now) => [str(spec(o)['holderIdentity']), formatAge(o, now)],
  },
  CustomResourceDefinition: {
    columns: [col('Created At', 'date')],
    render: (o) => [o.metadata.creationTimestamp],
  },
};

const CORE_EVENT: Printer = {
  columns: [col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Message')],
  render: renderEvent,
};

/** The printer of a built-in kind; core/v1 Events differ from events.k8s.io ones. */
export function selectBuiltinPrinter(kind: string, group: string): Printer | undefined {
  if (kind === 'Event') return group === '' ? CORE_EVENT : undefined;
  return PRINTERS[kind];
}
