// Server-side printing (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`): CRD
// additionalPrinterColumns evaluated with the JSONPath subset they use, and default
// columns for built-ins close to the real server's printers. Pure.

import type { StoredObject } from './object-store.ts';
import type { PrinterColumn, ResourceType } from './resource-type.ts';

export interface TableColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

type Cell = string | number | boolean | null;

/** Evaluates `.a.b[0].c`, `.a['x.y']`, `.a[*].b`; returns every match. */
export function evaluateJsonPath(obj: unknown, path: string): unknown[] {
  const expr = path
    .trim()
    .replace(/^\{(.*)\}$/s, '$1')
    .replace(/^\$/, '');
  const tokens = [...expr.matchAll(/\.([^.[\]]+)|\[(\d+|\*|'[^']*'|"[^"]*")\]/g)].map(
    (m) => m[1] ?? m[2] ?? '',
  );
  let current: unknown[] = [obj];
  for (const token of tokens) {
    const next: unknown[] = [];
    for (const value of current) {
      if (token === '*') {
        if (Array.isArray(value)) next.push(...(value as unknown[]));
        else if (typeof value === 'object' && value !== null)
          next.push(...Object.values(value as Json));
      } else if (/^\d+$/.test(token) && Array.isArray(value)) {
        if (Number(token) < value.length) next.push(value[Number(token)]);
      } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        const key = token.replace(/^['"](.*)['"]$/s, '$1');
        const v = (value as Record<string, unknown>)[key];
        if (v !== undefined) next.push(v);
      }
    }
    current = next;
  }
  return current;
}

/** apimachinery's duration.HumanDuration, as `kubectl get` shows ages. */
export function formatHumanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 24 * 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (h < 24 * 365 * 2) return `${d}d`;
  const y = Math.floor(d / 365);
  if (h < 24 * 365 * 8) return `${y}y${d % 365}d`;
  return `${y}y`;
}

function formatAge(obj: StoredObject, now: number): string {
  const created = Date.parse(obj.metadata.creationTimestamp);
  return Number.isNaN(created) ? '<unknown>' : formatHumanDuration(now - created);
}

function renderCell(column: PrinterColumn, obj: StoredObject, now: number): Cell {
  const values = evaluateJsonPath(obj, column.jsonPath);
  if (values.length === 0) return null;
  const v =
    values.length === 1
      ? values[0]
      : values.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(',');
  if (column.type === 'date' && typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? v : formatHumanDuration(now - t);
  }
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

interface Printer {
  columns: PrinterColumn[];
  render: (obj: StoredObject, now: number) => Cell[];
}

type Json = Record<string, unknown>;

function asMap(v: unknown): Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
}

function readString(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

function podCells(pod: StoredObject): Cell[] {
  const spec = asMap(pod['spec']);
  const status = asMap(pod['status']);
  const statuses = Array.isArray(status['containerStatuses'])
    ? (status['containerStatuses'] as Json[])
    : [];
  const total = Array.isArray(spec['containers']) ? spec['containers'].length : 0;
  const ready = statuses.filter((c) => c['ready'] === true).length;
  const restarts = statuses.reduce((n, c) => n + num(c['restartCount']), 0);
  let reason = typeof status['phase'] === 'string' ? status['phase'] : 'Unknown';
  for (const c of statuses) {
    const state = asMap(c['state']);
    const why = asMap(state['waiting'])['reason'] ?? asMap(state['terminated'])['reason'];
    if (typeof why === 'string' && why !== '') reason = why;
  }
  if (pod.metadata.deletionTimestamp !== undefined) reason = 'Terminating';
  return [`${ready}/${total}`, reason, restarts];
}

const col = (name: string, type: string, jsonPath = '', priority = 0): PrinterColumn => ({
  name,
  type,
  jsonPath,
  priority,
});

function selectBuiltinPrinter(kind: string): Printer | undefined {
  switch (kind) {
    case 'Pod':
      return {
        columns: [
          col('Ready', 'string'),
          col('Status', 'string'),
          col('Restarts', 'string'),
          col('Age', 'string'),
          col('IP', 'string', '', 1),
          col('Node', 'string', '', 1),
        ],
        render: (o, now) => {
          const status = asMap(o['status']);
          return [
            ...podCells(o),
            formatAge(o, now),
            (status['podIP'] as Cell | undefined) ?? '<none>',
            (asMap(o['spec'])['nodeName'] as Cell | undefined) ?? '<none>',
          ];
        },
      };
    case 'Deployment':
      return {
        columns: [
          col('Ready', 'string'),
          col('Up-to-date', 'integer'),
          col('Available', 'integer'),
          col('Age', 'string'),
        ],
        render: (o, now) => {
          const s = asMap(o['status']);
          return [
            `${num(s['readyReplicas'])}/${num(asMap(o['spec'])['replicas'])}`,
            num(s['updatedReplicas']),
            num(s['availableReplicas']),
            formatAge(o, now),
          ];
        },
      };
    case 'Job':
      return {
        columns: [
          col('Status', 'string'),
          col('Completions', 'string'),
          col('Duration', 'string'),
          col('Age', 'string'),
        ],
        render: (o, now) => {
          const s = asMap(o['status']);
          const conditions = Array.isArray(s['conditions']) ? (s['conditions'] as Json[]) : [];
          const done = conditions.find(
            (c) => (c['type'] === 'Complete' || c['type'] === 'Failed') && c['status'] === 'True',
          );
          const status =
            done === undefined ? 'Running' : done['type'] === 'Complete' ? 'Complete' : 'Failed';
          const start = typeof s['startTime'] === 'string' ? Date.parse(s['startTime']) : NaN;
          const end =
            typeof s['completionTime'] === 'string' ? Date.parse(s['completionTime']) : now;
          return [
            status,
            `${num(s['succeeded'])}/${num(asMap(o['spec'])['completions'] ?? 1)}`,
            Number.isNaN(start) ? '' : formatHumanDuration(end - start),
            formatAge(o, now),
          ];
        },
      };
    case 'Namespace':
      return {
        columns: [col('Status', 'string'), col('Age', 'string')],
        render: (o, now) => [readString(asMap(o['status'])['phase']), formatAge(o, now)],
      };
    default:
      return undefined;
  }
}

function selectPrinter(t: ResourceType): Printer {
  if (t.printerColumns !== undefined) {
    const columns = t.printerColumns;
    return { columns, render: (o, now) => columns.map((c) => renderCell(c, o, now)) };
  }
  const builtin = t.strategicMerge ? selectBuiltinPrinter(t.kind) : undefined;
  if (builtin !== undefined) return builtin;
  return {
    columns: [col('Age', 'date', '.metadata.creationTimestamp')],
    render: (o, now) => [formatAge(o, now)],
  };
}

function toTableColumn(c: PrinterColumn): TableColumn {
  return {
    name: c.name,
    type: c.type === 'date' ? 'string' : c.type,
    format: c.format ?? '',
    description: c.description ?? '',
    priority: c.priority ?? 0,
  };
}

/** A meta.k8s.io/v1 Table; rows carry PartialObjectMetadata unless includeObject says otherwise. */
export function renderTable(
  t: ResourceType,
  objects: StoredObject[],
  listMeta: Record<string, unknown>,
  includeObject: 'None' | 'Metadata' | 'Object',
  now: number,
): Record<string, unknown> {
  const printer = selectPrinter(t);
  const nameColumn: TableColumn = {
    name: 'Name',
    type: 'string',
    format: 'name',
    description: 'Name must be unique within a namespace.',
    priority: 0,
  };
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: [nameColumn, ...printer.columns.map(toTableColumn)],
    rows: objects.map((o) => {
      const row: Record<string, unknown> = { cells: [o.metadata.name, ...printer.render(o, now)] };
      if (includeObject === 'Object') row['object'] = o;
      else if (includeObject === 'Metadata')
        row['object'] = {
          kind: 'PartialObjectMetadata',
          apiVersion: 'meta.k8s.io/v1',
          metadata: o.metadata,
        };
      return row;
    }),
  };
}
