// Shared setup for the client-node conformance tests: a server with the project's CRDs.

import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  buildKubeConfig,
  startApiServer,
  type ApiServer,
  type ApiServerOptions,
} from '../../../wrangler-free-local/apiserver/index.ts';

export const CRD_DIR = join(import.meta.dirname, '../../../manifests/crds');

export function readProjectCrds(): object[] {
  return readdirSync(CRD_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => parse(readFileSync(join(CRD_DIR, f), 'utf8')) as object);
}

export interface TestCluster {
  server: ApiServer;
  kc: KubeConfig;
}

export async function startTestCluster(
  options: Partial<ApiServerOptions> = {},
): Promise<TestCluster> {
  const server = await startApiServer({
    tokens: ['test-token'],
    crds: readProjectCrds(),
    ...options,
  });
  return { server, kc: buildKubeConfig(server) };
}

export const DIGEST = `sha256:${'a'.repeat(64)}`;

/** A valid WorkflowExecution body. */
export function buildWorkflowExecution(
  name: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    apiVersion: 'kubernaut.ai/v1alpha1',
    kind: 'WorkflowExecution',
    metadata: { name, ...extra },
    spec: {
      workflowType: 'oom-remediation',
      steps: [
        {
          name: 'scale',
          actionType: 'kubernetes/scale_deployment',
          image: `ghcr.io/x/y@${DIGEST}`,
          inputs: { replicas: 3 },
        },
      ],
    },
  };
}

/** Resolves when `predicate` holds for a value `poll` returns, polling on the event loop. */
export async function waitFor<T>(
  poll: () => Promise<T>,
  predicate: (v: T) => boolean,
  timeoutMs = 3000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await poll();
    if (predicate(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One HTTPS request to the server, trusting its certificate; for raw protocol checks. */
export function requestRaw(
  server: ApiServer,
  method: string,
  path: string,
  options: { token?: string | null; body?: string; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? server.token : options.token;
  if (token !== null) headers['authorization'] = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] ??= 'application/json';
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { method, headers, ca: server.caData }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
