// Server-side printing (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`): CRD
// additionalPrinterColumns evaluated with the JSONPath subset they use, and default
// columns for built-ins close to the real server's printers. Pure.

import type { StoredObject } from './object-store.ts';
import { selectBuiltinPrinter, type Printer } from './builtin-printers.ts';
import { formatAge, formatHumanDuration } from './human-duration.ts';
import type { PrinterColumn, ResourceType } from './resource-type.ts';

export interface TableColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export type Cell = string | number | boolean | null;

export { formatHumanDuration };

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
          next.push(...Object.values(value as Record<string, unknown>));
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

function selectPrinter(t: ResourceType): Printer {
  if (t.printerColumns !== undefined) {
    const columns = t.printerColumns;
    return { columns, render: (o, now) => columns.map((c) => renderCell(c, o, now)) };
  }
  const builtin =
    t.strategicMerge || t.group === 'apiextensions.k8s.io'
      ? selectBuiltinPrinter(t.kind, t.group)
      : undefined;
  if (builtin !== undefined) return builtin;
  return {
    columns: [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }],
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
