/**
 * The simulated Job controller: creates a Job's pods, counts their ends, and finishes the Job
 * with the conditions and reasons of the real controller (Complete; Failed with
 * BackoffLimitExceeded or DeadlineExceeded), then honours ttlSecondsAfterFinished.
 */
import {
  BatchV1Api,
  CoreV1Api,
  type KubeConfig,
  type V1Job,
  type V1JobStatus,
  type V1Pod,
} from '@kubernetes/client-node';
import { WorkQueue, type ReconcileResult } from '../../src/engine/work-queue.ts';
import {
  coreEventSink,
  createEventRecorder,
  type EventRecorder,
  type EventTarget,
} from '../../src/kube/event-recorder.ts';
import { ignoreNotFound } from '../../src/kube/errors.ts';
import type { SharedInformer, SharedInformers } from '../../src/kube/shared-informers.ts';
import { mergePatch } from '../../src/kube/patch-options.ts';
import { jobFinishedAt, planJob } from './job-plan.ts';
import { enqueueControllerOf, enqueueObject } from './enqueue.ts';
import { buildOwnedPod } from './build-owned-pod.ts';
import { isControlledBy } from './owned-by.ts';

export interface JobControllerOptions {
  kc: KubeConfig;
  informers: SharedInformers;
  onError?: (error: unknown) => void;
}

export class JobController {
  private readonly batch: BatchV1Api;
  private readonly core: CoreV1Api;
  private readonly queue: WorkQueue;
  private readonly events: EventRecorder;
  /** Pods created but not yet seen in the cache, per Job uid (client-go's "expectations"). */
  private readonly expected = new Map<string, Set<string>>();
  private readonly jobs: SharedInformer<V1Job>;
  private readonly pods: SharedInformer<V1Pod>;

  constructor(options: JobControllerOptions) {
    this.batch = options.kc.makeApiClient(BatchV1Api);
    this.core = options.kc.makeApiClient(CoreV1Api);
    this.events = createEventRecorder(coreEventSink(this.core), 'job-controller', options.onError);
    this.queue = new WorkQueue({
      concurrency: 8,
      process: (key) => this.reconcile(key),
      onError: (_key, error) => options.onError?.(error),
    });
    this.jobs = options.informers.informer('/apis/batch/v1/jobs', () =>
      this.batch.listJobForAllNamespaces(),
    );
    this.pods = options.informers.informer('/api/v1/pods', () =>
      this.core.listPodForAllNamespaces(),
    );
    this.jobs.subscribe(enqueueObject(this.queue));
    this.pods.subscribe(enqueueControllerOf('Job', this.queue));
  }

  async stop(): Promise<void> {
    await this.queue.close();
  }

  private async reconcile(key: string): Promise<ReconcileResult | undefined> {
    const [namespace = '', name = ''] = key.split('/');
    const job = this.jobs.cache.get(name, namespace);
    const uid = job?.metadata?.uid;
    if (!job || !uid || job.metadata?.deletionTimestamp || job.spec?.suspend) return undefined;
    if (jobFinishedAt(job)) return this.collectAfterTtl(job);

    const pods = this.pods.cache.list(namespace).filter((pod) => isControlledBy(pod.metadata, uid));
    const expected = this.expected.get(uid) ?? new Set<string>();
    for (const pod of pods) expected.delete(pod.metadata?.name ?? '');
    this.expected.set(uid, expected);
    const now = new Date();
    const plan = planJob(job, pods, expected.size, now);
    await Promise.all(
      plan.deletePods.map((pod) =>
        ignoreNotFound(this.core.deleteNamespacedPod({ name: pod, namespace })),
      ),
    );
    for (let index = 0; index < plan.createPods; index++) await this.createPod(job, expected);
    await this.writeStatus(job, plan.status);
    if (!plan.outcome)
      return plan.requeueAtMs === undefined ? undefined : { requeueAtMs: plan.requeueAtMs };
    this.expected.delete(uid);
    const complete = plan.outcome.type === 'Complete';
    const reason = plan.outcome.type === 'Complete' ? 'Completed' : plan.outcome.reason;
    const message = plan.outcome.type === 'Complete' ? 'Job completed' : plan.outcome.message;
    this.events.record(this.reference(job), complete ? 'Normal' : 'Warning', reason, message);
    return this.collectAfterTtl({ ...job, status: plan.status });
  }

  private reference(job: V1Job): EventTarget {
    return { apiVersion: 'batch/v1', kind: 'Job', metadata: job.metadata ?? {} };
  }

  private async createPod(job: V1Job, expected: Set<string>): Promise<void> {
    const namespace = job.metadata?.namespace ?? 'default';
    const owner = { apiVersion: 'batch/v1', kind: 'Job', metadata: job.metadata };
    const body = buildOwnedPod(owner, job.spec?.template);
    const pod = await this.core.createNamespacedPod({ namespace, body });
    const podName = pod.metadata?.name ?? '';
    expected.add(podName);
    this.events.record(
      this.reference(job),
      'Normal',
      'SuccessfulCreate',
      `Created pod: ${podName}`,
    );
  }

  private async writeStatus(job: V1Job, status: V1JobStatus): Promise<void> {
    const current = job.status ?? {};
    const changed = (Object.keys(status) as (keyof V1JobStatus)[]).some(
      (field) => JSON.stringify(current[field]) !== JSON.stringify(status[field]),
    );
    if (!changed) return;
    const name = job.metadata?.name ?? '';
    const namespace = job.metadata?.namespace ?? 'default';
    await ignoreNotFound(
      this.batch.patchNamespacedJobStatus({ name, namespace, body: { status } }, mergePatch),
    );
  }

  private async collectAfterTtl(job: V1Job): Promise<ReconcileResult | undefined> {
    const ttl = job.spec?.ttlSecondsAfterFinished;
    const finished = jobFinishedAt(job);
    if (ttl === undefined || !finished) return undefined;
    const expiresAt = finished.getTime() + ttl * 1000;
    if (Date.now() < expiresAt) return { requeueAtMs: expiresAt };
    const name = job.metadata?.name ?? '';
    const namespace = job.metadata?.namespace ?? 'default';
    await ignoreNotFound(
      this.batch.deleteNamespacedJob({ name, namespace, propagationPolicy: 'Background' }),
    );
    return undefined;
  }
}
