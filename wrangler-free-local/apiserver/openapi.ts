// OpenAPI v3 documents, as far as kubectl 1.32 uses them: it reads the PATCH operation of a
// kind (matched by x-kubernetes-group-version-kind) to learn that the server supports the
// `fieldValidation` parameter, and then leaves validation to the server. Schemas are only
// published for custom resources; /openapi/v2 is not served (kubectl falls back to its
// compiled-in types for strategic merge patches of built-ins).

import { createHash } from 'node:crypto';
import type { ResourceType } from './resource-type.ts';
import type { TypeRegistry } from './type-registry.ts';

function listGroupVersions(registry: TypeRegistry): string[] {
  const out = new Set<string>();
  for (const t of registry.listTypes())
    out.add(t.group === '' ? `api/${t.version}` : `apis/${t.group}/${t.version}`);
  return [...out];
}

function renderOperation(t: ResourceType): Record<string, unknown> {
  const schemaRef = { $ref: `#/components/schemas/${schemaName(t)}` };
  return {
    description: `partially update the specified ${t.kind}`,
    operationId: `patch${t.kind}`,
    'x-kubernetes-action': 'patch',
    'x-kubernetes-group-version-kind': { group: t.group, version: t.version, kind: t.kind },
    parameters: [
      { name: 'dryRun', in: 'query', schema: { type: 'string', uniqueItems: true } },
      { name: 'fieldManager', in: 'query', schema: { type: 'string', uniqueItems: true } },
      { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } },
      { name: 'force', in: 'query', schema: { type: 'boolean', uniqueItems: true } },
    ],
    requestBody: {
      content: {
        'application/json-patch+json': { schema: { type: 'object' } },
        'application/merge-patch+json': { schema: { type: 'object' } },
        'application/apply-patch+yaml': { schema: { type: 'object' } },
      },
      required: true,
    },
    responses: {
      '200': { description: 'OK', content: { 'application/json': { schema: schemaRef } } },
    },
  };
}

function schemaName(t: ResourceType): string {
  const group = t.group === '' ? 'io.k8s.api.core' : t.group.split('.').reverse().join('.');
  return `${group}.${t.version}.${t.kind}`;
}

function renderGroupDoc(
  registry: TypeRegistry,
  gvPath: string,
): Record<string, unknown> | undefined {
  const types = registry
    .listTypes()
    .filter(
      (t) => (t.group === '' ? `api/${t.version}` : `apis/${t.group}/${t.version}`) === gvPath,
    );
  if (types.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const t of types) {
    const ns = t.namespaced ? 'namespaces/{namespace}/' : '';
    paths[`/${gvPath}/${ns}${t.resource}/{name}`] = { patch: renderOperation(t) };
    const schema: Record<string, unknown> =
      t.schema === undefined ? { type: 'object' } : { ...t.schema };
    schema['x-kubernetes-group-version-kind'] = [
      { group: t.group, version: t.version, kind: t.kind },
    ];
    schemas[schemaName(t)] = schema;
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    components: { schemas },
  };
}

export function renderOpenApiV3Index(registry: TypeRegistry): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const gv of listGroupVersions(registry)) {
    const hash = createHash('sha256')
      .update(JSON.stringify(renderGroupDoc(registry, gv)))
      .digest('hex')
      .slice(0, 32)
      .toUpperCase();
    paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${hash}` };
  }
  return { paths };
}

export function renderOpenApiV3Group(
  registry: TypeRegistry,
  gvPath: string,
): Record<string, unknown> {
  return renderGroupDoc(registry, gvPath) ?? {};
}
