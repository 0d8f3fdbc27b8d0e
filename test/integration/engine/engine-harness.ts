/** The V1 engine on a local cluster, with helpers to submit runs and await their end. */
import type { BatchV1Api} from '@kubernetes/client-node';
import { CustomObjectsApi } from '@kubernetes/client-node';
import {
  TERMINAL_RUN_PHASES,
  type WorkflowExecution,
} from '../../../src/api/workflow-execution.ts';
import type { WorkflowStepInput } from '../../../src/api/workflow-step.ts';
import { Engine, type EngineOptions } from '../../../src/engine/engine.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { createMetrics, type Metrics } from '../../../src/observability/metrics.ts';
import { waitForObject } from '../../fixtures/wait-for-object.ts';
import { startTestLocalCluster, type TestLocalCluster } from '../cluster/start-local-cluster.ts';

export const RUNS = '/apis/kubernaut.ai/v1alpha1/namespaces/default/workflowexecutions';

export interface EngineHarness {
  cluster: TestLocalCluster;
  engine: Engine;
  metrics: Metrics;
  customObjects: CustomObjectsApi;
  batch: BatchV1Api;
  submit(name: string, steps: WorkflowStepInput[], spec?: Record<string, unknown>): Promise<void>;
  finished(name: string): Promise<WorkflowExecution>;
  close(): Promise<void>;
}

export async function startEngineHarness(
  options: Partial<EngineOptions> = {},
): Promise<EngineHarness> {
  const cluster = await startTestLocalCluster();
  const metrics = createMetrics({ defaultMetrics: false });
  const engine = new Engine({
    kc: cluster.kc,
    logger: createLogger('silent'),
    metrics,
    ...options,
  });
  await engine.start();
  const customObjects = cluster.kc.makeApiClient(CustomObjectsApi);
  return {
    cluster,
    engine,
    metrics,
    customObjects,
    batch: cluster.batch,
    async submit(name, steps, spec = {}) {
      await customObjects.createNamespacedCustomObject({
        group: 'kubernaut.ai',
        version: 'v1alpha1',
        namespace: 'default',
        plural: 'workflowexecutions',
        body: {
          apiVersion: 'kubernaut.ai/v1alpha1',
          kind: 'WorkflowExecution',
          metadata: { name, namespace: 'default' },
          spec: { workflowType: 'test', steps, ...spec },
        },
      });
    },
    finished: (name) =>
      waitForObject<WorkflowExecution>(
        cluster.kc,
        RUNS,
        name,
        (run) => run.status?.phase !== undefined && TERMINAL_RUN_PHASES.has(run.status.phase),
        20_000,
      ),
    async close() {
      await engine.stop();
      await cluster.close();
    },
  };
}
