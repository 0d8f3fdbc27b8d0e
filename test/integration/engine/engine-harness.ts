/** The V1 engine on a local cluster, with helpers to submit runs and await their end. */
import type { BatchV1Api } from '@kubernetes/client-node';
import { CustomObjectsApi } from '@kubernetes/client-node';
import {
  TERMINAL_RUN_PHASES,
  type WorkflowExecution,
} from '../../../src/api/workflow-execution.ts';
import type { WorkflowStepInput } from '../../../src/api/workflow-step.ts';
import { Engine, type EngineOptions } from '../../../src/engine/engine.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { createMetrics, type Metrics } from '../../../src/observability/metrics.ts';
import { submitRun } from '../../fixtures/submit-run.ts';
import { waitForObject } from '../../fixtures/wait-for-object.ts';
import { startTestLocalCluster, type TestLocalCluster } from '../cluster/start-local-cluster.ts';
import type { LocalClusterOptions } from '../../../wrangler-free-local/local-cluster.ts';

export const RUNS = '/apis/kubernaut.ai/v1alpha1/namespaces/default/workflowexecutions';

export interface EngineHarness {
  cluster: TestLocalCluster;
  /** The running engine; replaced by startEngine(). */
  engine: Engine;
  metrics: Metrics;
  customObjects: CustomObjectsApi;
  batch: BatchV1Api;
  /** Stops the engine as a crash would: in-flight work is dropped, nothing is flushed. */
  stopEngine(): Promise<void>;
  /** Starts a fresh engine (a restarted dispatcher, or another replica) on the same cluster. */
  startEngine(): Promise<void>;
  submit(name: string, steps: WorkflowStepInput[], spec?: Record<string, unknown>): Promise<void>;
  finished(name: string, timeoutMs?: number): Promise<WorkflowExecution>;
  close(): Promise<void>;
}

export async function startEngineHarness(
  options: Partial<EngineOptions> = {},
  clusterOptions: Partial<LocalClusterOptions> = {},
): Promise<EngineHarness> {
  const cluster = await startTestLocalCluster(clusterOptions);
  const metrics = createMetrics({ defaultMetrics: false });
  const newEngine = (): Engine =>
    new Engine({ kc: cluster.kc, logger: createLogger('silent'), metrics, ...options });
  const customObjects = cluster.kc.makeApiClient(CustomObjectsApi);
  const harness: EngineHarness = {
    cluster,
    engine: newEngine(),
    metrics,
    customObjects,
    batch: cluster.batch,
    async stopEngine() {
      await harness.engine.stop();
    },
    async startEngine() {
      harness.engine = newEngine();
      await harness.engine.start();
    },
    async submit(name, steps, spec = {}) {
      await submitRun(customObjects, name, { workflowType: 'test', steps, ...spec });
    },
    finished: (name, timeoutMs = 20_000) =>
      waitForObject<WorkflowExecution>(
        cluster.kc,
        RUNS,
        name,
        (run) => run.status?.phase !== undefined && TERMINAL_RUN_PHASES.has(run.status.phase),
        timeoutMs,
      ),
    async close() {
      await harness.engine.stop();
      await cluster.close();
    },
  };
  await harness.engine.start();
  return harness;
}
