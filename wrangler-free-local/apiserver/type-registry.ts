// The set of served resources: built-ins plus whatever the stored CRDs define. Lookups on
// the request path are map hits keyed by group/version/resource.

import { listBuiltinTypes } from './builtin-types.ts';
import { formatGroupVersion, type ResourceType } from './resource-type.ts';

export interface GroupInfo {
  name: string;
  versions: string[];
  preferredVersion: string;
}

export class TypeRegistry {
  private readonly byPath = new Map<string, ResourceType>();
  private readonly byKind = new Map<string, ResourceType>();
  private readonly fromCrd = new Map<string, ResourceType[]>();
  private groupOrder: string[] = [];

  constructor() {
    for (const t of listBuiltinTypes()) this.add(t);
  }

  private add(t: ResourceType): void {
    this.byPath.set(`${t.group}/${t.version}/${t.resource}`, t);
    this.byKind.set(`${formatGroupVersion(t.group, t.version)}/${t.kind}`, t);
    if (!this.groupOrder.includes(t.group)) this.groupOrder.push(t.group);
  }

  private remove(t: ResourceType): void {
    this.byPath.delete(`${t.group}/${t.version}/${t.resource}`);
    this.byKind.delete(`${formatGroupVersion(t.group, t.version)}/${t.kind}`);
    if (![...this.byPath.values()].some((x) => x.group === t.group)) {
      this.groupOrder = this.groupOrder.filter((g) => g !== t.group);
    }
  }

  findByPath(group: string, version: string, resource: string): ResourceType | undefined {
    return this.byPath.get(`${group}/${version}/${resource}`);
  }

  /** By apiVersion (`apps/v1`) and kind, as ownerReferences name their owner. */
  findByKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.byKind.get(`${apiVersion}/${kind}`);
  }

  /** Every type sharing a storage key (all served versions of one CRD). */
  listByStorage(storageKey: string): ResourceType[] {
    return [...this.byPath.values()].filter((t) => t.storageKey === storageKey);
  }

  listTypes(): ResourceType[] {
    return [...this.byPath.values()];
  }

  listTypesOf(group: string, version: string): ResourceType[] {
    return this.listTypes().filter((t) => t.group === group && t.version === version);
  }

  listGroups(): GroupInfo[] {
    return this.groupOrder
      .filter((g) => g !== '')
      .map((name) => {
        const versions = [
          ...new Set(
            this.listTypes()
              .filter((t) => t.group === name)
              .map((t) => t.version),
          ),
        ];
        const crdTypes = [...this.fromCrd.values()].flat().filter((t) => t.group === name);
        const preferred = sortVersions(versions)[0] ?? crdTypes[0]?.version ?? '';
        return { name, versions: sortVersions(versions), preferredVersion: preferred };
      });
  }

  hasGroupVersion(group: string, version: string): boolean {
    return this.listTypes().some((t) => t.group === group && t.version === version);
  }

  /** Replaces the types a CRD (by name) defines. */
  setCrdTypes(crdName: string, types: ResourceType[]): void {
    for (const t of this.fromCrd.get(crdName) ?? []) this.remove(t);
    this.fromCrd.set(crdName, types);
    for (const t of types) this.add(t);
  }

  deleteCrdTypes(crdName: string): void {
    for (const t of this.fromCrd.get(crdName) ?? []) this.remove(t);
    this.fromCrd.delete(crdName);
  }
}

/** Kubernetes version priority: GA > beta > alpha, higher numbers first. */
export function sortVersions(versions: string[]): string[] {
  const rank = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (m === null) return [3, 0, 0];
    const stage = m[2] === undefined ? 0 : m[2] === 'beta' ? 1 : 2;
    return [stage, -Number(m[1]), -Number(m[3] ?? 0)];
  };
  return [...versions].sort((a, b) => {
    const [x, y] = [rank(a), rank(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2] || a.localeCompare(b);
  });
}
