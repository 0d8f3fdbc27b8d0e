import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createApp } from '../../../handlers/app.ts';
import { COMPONENT_SCHEMAS } from '../../../handlers/openapi.ts';
import { CredentialStore } from '../../../src/auth/credential-store.ts';
import { DEFAULT_SLACK_USERS } from '../../../src/chatops/slack-users.ts';
import { WorkflowService } from '../../../src/ondemand/workflow-service.ts';
import type { RunStore } from '../../../src/ondemand/run-store.ts';

type Json = Record<string, unknown>;

/** Every app route, with every option on (nothing is called: the store is never reached). */
function fullApp() {
  const service = new WorkflowService({ store: {} as RunStore });
  return createApp({
    readiness: [],
    metrics: undefined,
    credentials: new CredentialStore(),
    workflows: { service, rateLimit: { perSecond: 1, burst: 1 }, maxBodyBytes: 1024 },
    slack: { service, signingSecret: 'x'.repeat(32), users: DEFAULT_SLACK_USERS },
    alertmanager: {
      intake: { process: () => Promise.reject(new Error('unused')), isReady: () => true },
      maxBodyBytes: 1024,
    },
  });
}

function collectRefs(value: unknown, refs: string[]): string[] {
  if (Array.isArray(value)) for (const item of value) collectRefs(item, refs);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string') refs.push(item);
      else collectRefs(item, refs);
    }
  }
  return refs;
}

describe('GET /openapi.json', () => {
  it('is OpenAPI 3.1 and documents every route the app serves', async () => {
    const app = fullApp();
    const response = await app.request('/openapi.json');
    assert.equal(response.status, 200);
    const document = (await response.json()) as Json & { paths: Record<string, Json> };
    assert.equal(document['openapi'], '3.1.0');
    const served = app.routes
      // The API surface: /api/v1/* and the JSON probes (HTML pages of a UI are not an API).
      .filter(
        (route) =>
          route.method !== 'ALL' &&
          (route.path.startsWith('/api/') ||
            ['/healthz', '/readyz', '/openapi.json'].includes(route.path)),
      )
      .map((route) => `${route.method.toLowerCase()} ${route.path.replace(/:([a-z]+)/g, '{$1}')}`);
    assert.ok(served.includes('post /api/v1/webhooks/alertmanager'), served.join(', '));
    for (const route of new Set(served)) {
      const [method = '', path = ''] = route.split(' ');
      assert.ok(document.paths[path]?.[method], `${route} is not in the document`);
    }
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        assert.ok((operation as Json)['responses'], `${method} ${path} has no responses`);
        if (path.includes('{name}')) {
          const names = ((operation as Json)['parameters'] as Json[]).map((p) => p['name']);
          assert.deepEqual(names, ['namespace', 'name'], `${method} ${path} path parameters`);
        }
      }
    }
  });

  it('every $ref resolves, every security scheme exists, every schema is named', async () => {
    const document = (await (await fullApp().request('/openapi.json')).json()) as Json & {
      components: { schemas: Record<string, Json>; securitySchemes: Record<string, Json> };
      paths: Record<string, Record<string, { security?: Record<string, unknown>[] }>>;
    };
    const schemas = document.components.schemas;
    assert.deepEqual(Object.keys(schemas).sort(), Object.keys(COMPONENT_SCHEMAS).sort());
    const refs = collectRefs(document, []);
    assert.ok(refs.length > 20);
    for (const ref of refs) {
      const match = /^#\/components\/schemas\/(.+)$/.exec(ref);
      assert.ok(match?.[1] && schemas[match[1]], `${ref} does not resolve`);
    }
    for (const operations of Object.values(document.paths)) {
      for (const operation of Object.values(operations)) {
        for (const requirement of operation.security ?? []) {
          for (const scheme of Object.keys(requirement))
            assert.ok(document.components.securitySchemes[scheme], scheme);
        }
      }
    }
    // The WorkflowExecution schema is the CRD's: the steps' image pattern made it through.
    assert.match(JSON.stringify(schemas['WorkflowExecution']), /sha256/);
    // The request schema names its fields; the list's `run` items point at the run schema.
    const request = schemas['CreateWorkflowRequest'] as {
      properties: Json;
      additionalProperties?: unknown;
    };
    assert.deepEqual(Object.keys(request.properties).sort(), [
      'dryRun',
      'namespace',
      'parameters',
      'requireApproval',
      'target',
      'template',
      'workflow',
    ]);
    assert.equal(request.additionalProperties, false, 'unknown request fields are refused');
    assert.ok(
      JSON.stringify(schemas['WorkflowList']).includes('#/components/schemas/WorkflowExecution'),
    );
  });
});
