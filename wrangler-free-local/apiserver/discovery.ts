// Legacy discovery documents (/api, /apis, /apis/<g>, /api/v1, /apis/<g>/<v>) as a v1.32
// server renders them. kubectl asks for aggregated discovery first and falls back to these
// when the answer is plain application/json.

import type { ResourceType } from './resource-type.ts';
import { formatGroupVersion } from './resource-type.ts';
import type { TypeRegistry } from './type-registry.ts';

export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-wrangler-free-local',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.4',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export function renderCoreVersions(address: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: address }],
  };
}

function renderGroup(registry: TypeRegistry, name: string): Record<string, unknown> | undefined {
  const info = registry.listGroups().find((g) => g.name === name);
  if (info === undefined) return undefined;
  const gv = (v: string): Record<string, string> => ({
    groupVersion: formatGroupVersion(name, v),
    version: v,
  });
  return { name, versions: info.versions.map(gv), preferredVersion: gv(info.preferredVersion) };
}

export function renderGroupList(registry: TypeRegistry): Record<string, unknown> {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: registry.listGroups().map((g) => renderGroup(registry, g.name)),
  };
}

export function renderApiGroup(
  registry: TypeRegistry,
  name: string,
): Record<string, unknown> | undefined {
  const group = renderGroup(registry, name);
  return group === undefined ? undefined : { kind: 'APIGroup', apiVersion: 'v1', ...group };
}

function renderSubresources(t: ResourceType): Record<string, unknown>[] {
  const sub = (
    name: string,
    kind: string,
    verbs: string[],
    gv?: { group: string; version: string },
  ): Record<string, unknown> => ({
    name: `${t.resource}/${name}`,
    singularName: '',
    namespaced: t.namespaced,
    ...(gv ?? {}),
    kind,
    verbs,
  });
  const out: Record<string, unknown>[] = [];
  if (t.hasStatus) out.push(sub('status', t.kind, ['get', 'patch', 'update']));
  if (t.scale !== undefined)
    out.push(
      sub('scale', 'Scale', ['get', 'patch', 'update'], { group: 'autoscaling', version: 'v1' }),
    );
  for (const extra of t.extraSubresources) {
    if (extra === 'log') out.push(sub('log', 'Pod', ['get']));
    if (extra === 'eviction')
      out.push(sub('eviction', 'Eviction', ['create'], { group: 'policy', version: 'v1' }));
  }
  if (t.kind === 'Pod' && t.group === '') out.push(sub('binding', 'Binding', ['create']));
  return out;
}

export function renderResourceList(
  registry: TypeRegistry,
  group: string,
  version: string,
): Record<string, unknown> {
  const resources: Record<string, unknown>[] = [];
  for (const t of registry.listTypesOf(group, version)) {
    const entry: Record<string, unknown> = {
      name: t.resource,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: t.verbs,
    };
    if (t.shortNames.length > 0) entry['shortNames'] = t.shortNames;
    if (t.categories.length > 0) entry['categories'] = t.categories;
    resources.push(entry, ...renderSubresources(t));
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: formatGroupVersion(group, version),
    resources,
  };
}
