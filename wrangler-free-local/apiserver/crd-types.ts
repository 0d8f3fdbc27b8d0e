// Turns a CustomResourceDefinition into the ResourceTypes it serves, and validates the
// CRD itself as far as the server relies on it.

import {
  ALL_VERBS,
  type PrinterColumn,
  type ResourceType,
  type ScaleSubresource,
} from './resource-type.ts';
import type { Schema } from './schema.ts';
import type { StatusCause } from './status-error.ts';

interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
  schema?: { openAPIV3Schema?: Schema };
  subresources?: { status?: object; scale?: ScaleSubresource };
  additionalPrinterColumns?: PrinterColumn[];
  selectableFields?: { jsonPath: string }[];
}

export interface CrdSpec {
  group?: string;
  scope?: string;
  names?: {
    kind?: string;
    plural?: string;
    singular?: string;
    listKind?: string;
    shortNames?: string[];
    categories?: string[];
  };
  versions?: CrdVersion[];
}

/** Causes for a CRD the server could not serve; empty when it is acceptable. */
export function validateCrd(name: string, spec: CrdSpec | undefined): StatusCause[] {
  const causes: StatusCause[] = [];
  const required = (field: string): void => {
    causes.push({ reason: 'FieldValueRequired', field, message: 'Required value' });
  };
  if (spec === undefined)
    return [{ reason: 'FieldValueRequired', field: 'spec', message: 'Required value' }];
  if (spec.group === undefined || spec.group === '') required('spec.group');
  if (spec.names?.plural === undefined) required('spec.names.plural');
  if (spec.names?.kind === undefined) required('spec.names.kind');
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    causes.push({
      reason: 'FieldValueNotSupported',
      field: 'spec.scope',
      message: `Unsupported value: "${spec.scope ?? ''}": supported values: "Cluster", "Namespaced"`,
    });
  }
  const versions = spec.versions ?? [];
  if (versions.length === 0) required('spec.versions');
  if (versions.filter((v) => v.storage === true).length !== 1 && versions.length > 0) {
    causes.push({
      reason: 'FieldValueInvalid',
      field: 'spec.versions',
      message: `Invalid value: ${JSON.stringify(versions.map((v) => v.name))}: must have exactly one version marked as storage version`,
    });
  }
  const expected = `${spec.names?.plural ?? ''}.${spec.group ?? ''}`;
  if (name !== expected) {
    causes.push({
      reason: 'FieldValueInvalid',
      field: 'metadata.name',
      message: `Invalid value: "${name}": must be spec.names.plural+"."+spec.group`,
    });
  }
  return causes;
}

function selectableFieldsOf(v: CrdVersion): string[] {
  return (v.selectableFields ?? []).map((f) => f.jsonPath.replace(/^\./, ''));
}

/** The served versions of a (valid) CRD as resource types sharing one storage key. */
export function buildCrdTypes(spec: CrdSpec): ResourceType[] {
  const group = spec.group ?? '';
  const names = spec.names ?? {};
  const plural = names.plural ?? '';
  const kind = names.kind ?? '';
  return (spec.versions ?? [])
    .filter((v) => v.served !== false)
    .map((v) => ({
      group,
      version: v.name,
      resource: plural,
      singular: names.singular ?? kind.toLowerCase(),
      kind,
      listKind: names.listKind ?? `${kind}List`,
      namespaced: spec.scope !== 'Cluster',
      shortNames: names.shortNames ?? [],
      categories: names.categories ?? [],
      verbs: ALL_VERBS,
      storageKey: `${group}/${plural}`,
      hasStatus: v.subresources?.status !== undefined,
      scale: v.subresources?.scale,
      extraSubresources: [],
      fieldSelectors: selectableFieldsOf(v),
      tracksGeneration: true,
      strategicMerge: false,
      defaultPropagation: 'Background',
      nameRule: 'subdomain',
      schema: v.schema?.openAPIV3Schema,
      printerColumns: v.additionalPrinterColumns,
    }));
}

/** The status a real server reports once it has accepted a CRD's names. */
export function buildCrdStatus(spec: CrdSpec, now: string): Record<string, unknown> {
  const names = spec.names ?? {};
  const condition = (type: string, reason: string, message: string): Record<string, unknown> => ({
    type,
    status: 'True',
    lastTransitionTime: now,
    reason,
    message,
  });
  return {
    acceptedNames: {
      kind: names.kind,
      listKind: names.listKind ?? `${names.kind ?? ''}List`,
      plural: names.plural,
      singular: names.singular ?? (names.kind ?? '').toLowerCase(),
      ...(names.shortNames === undefined ? {} : { shortNames: names.shortNames }),
      ...(names.categories === undefined ? {} : { categories: names.categories }),
    },
    conditions: [
      condition('NamesAccepted', 'NoConflicts', 'no conflicts found'),
      condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted'),
    ],
    storedVersions: (spec.versions ?? []).filter((v) => v.storage === true).map((v) => v.name),
  };
}
