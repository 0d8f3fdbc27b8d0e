// What the server knows about one served resource (group/version/resource): naming for
// discovery, behaviour flags for the generic handlers, and the schema of custom resources.

import type { StoredObject } from './object-store.ts';
import type { Schema } from './schema.ts';
import type { StatusCause } from './status-error.ts';

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  format?: string;
  description?: string;
  priority?: number;
}

export interface ScaleSubresource {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

/** A resource served as a view of another resource's storage (events.k8s.io → core). */
export interface StorageConversion {
  storage: { group: string; version: string; resource: string };
  toStorage: (obj: Record<string, unknown>) => Record<string, unknown>;
  fromStorage: (obj: StoredObject) => StoredObject;
  /** A field selector field of the view, in storage terms. */
  translateField: (field: string) => string;
  /** Validation of the view's own form on create (before conversion). */
  validate: (obj: StoredObject, namespace: string) => StatusCause[];
}

export type PropagationPolicy = 'Foreground' | 'Background' | 'Orphan';

export interface ResourceType {
  group: string;
  version: string;
  /** Plural, lower case: `deployments`. */
  resource: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** Objects of all versions of one group/resource share this storage key. */
  storageKey: string;
  hasStatus: boolean;
  scale: ScaleSubresource | undefined;
  /** Extra subresource names served (`log`, `eviction`) beyond status and scale. */
  extraSubresources: string[];
  /** Field selectors beyond metadata.name / metadata.namespace. */
  fieldSelectors: string[];
  /** Whether metadata.generation is maintained. */
  tracksGeneration: boolean;
  /** Built-ins accept strategic merge patches; custom resources do not. */
  strategicMerge: boolean;
  defaultPropagation: PropagationPolicy;
  /** DNS-1123 label (63) or subdomain (253) names. */
  nameRule: 'subdomain' | 'label';
  schema: Schema | undefined;
  printerColumns: PrinterColumn[] | undefined;
  conversion?: StorageConversion;
}

export const ALL_VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

export function formatApiVersion(t: Pick<ResourceType, 'group' | 'version'>): string {
  return t.group === '' ? t.version : `${t.group}/${t.version}`;
}

export function formatGroupVersion(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

export type BuiltinSpec = Pick<
  ResourceType,
  'group' | 'version' | 'resource' | 'kind' | 'namespaced'
> &
  Partial<ResourceType>;

/** A built-in type with the defaults most core kinds share. */
export function defineBuiltin(spec: BuiltinSpec): ResourceType {
  return {
    singular: spec.kind.toLowerCase(),
    listKind: `${spec.kind}List`,
    shortNames: [],
    categories: [],
    verbs: ALL_VERBS,
    storageKey: `${spec.group}/${spec.resource}`,
    hasStatus: false,
    scale: undefined,
    extraSubresources: [],
    fieldSelectors: [],
    tracksGeneration: false,
    strategicMerge: true,
    defaultPropagation: 'Background',
    nameRule: 'subdomain',
    schema: undefined,
    printerColumns: undefined,
    ...spec,
  };
}
