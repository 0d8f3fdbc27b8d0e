/**
 * The simulated scheduler and kubelet. Unassigned pods are bound to the local nodes. Pods of
 * long-running workloads (restartPolicy Always) report Running and Ready with nothing behind
 * them; pods that run to completion (Jobs, TaskRuns) really run: each container in turn (init
 * containers first), as a host process resolved through the image catalog.
 *
 * Deviation from a real kubelet: containers of one pod run one after another, not at once.
 * That is exactly Tekton's step semantics and equal to Kubernetes' for one-container Job pods.
 */
import type {
  CoreV1Api,
  KubeConfig,
  V1Container,
  V1ContainerStatus,
  V1Node,
  V1Pod,
} from '@kubernetes/client-node';
import { CoreV1Api as CoreApi } from '@kubernetes/client-node';
import PQueue from 'p-queue';
import { WorkQueue } from '../../src/engine/work-queue.ts';
import {
  coreEventSink,
  createEventRecorder,
  type EventRecorder,
} from '../../src/kube/event-recorder.ts';
import { ignoreNotFound, statusCodeOf } from '../../src/kube/errors.ts';
import { retryOnError } from '../../src/kube/retry.ts';
import type { SharedInformer, SharedInformers } from '../../src/kube/shared-informers.ts';
import { mergePatch } from '../../src/kube/patch-options.ts';
import { resolveContainerEnv } from './container-env.ts';
import { runContainer, type ContainerExit, type RunningContainer } from './container-runner.ts';
import { resolveCommand, type ImageCatalog } from './image-catalog.ts';
import { ProcessLauncher } from './process-launcher.ts';
import { objectKey } from './enqueue.ts';
import { pickNode } from './pick-node.ts';
import { containerStatus, podConditions, terminalStatus } from './pod-status.ts';
import { planSandbox, removePodSandbox, type SandboxOptions } from './pod-sandbox.ts';

export interface KubeletOptions extends SandboxOptions {
  kc: KubeConfig;
  informers: SharedInformers;
  nodes: string[];
  catalog: ImageCatalog;
  appendLog: (namespace: string, pod: string, container: string, text: string) => void;
  /** Pods running processes at the same time, across the local nodes (default 16). */
  maxRunningPods?: number;
  /** Launcher processes that start the containers' processes (default 1). */
  launchers?: number;
  onError?: (error: unknown) => void;
}

interface PodRun {
  current?: RunningContainer;
  stopped: boolean;
  deadline?: NodeJS.Timeout;
  /** Settles when the pod's processes are over; its sandbox is removed only then. */
  done?: Promise<void>;
}

export class Kubelet {
  private readonly core: CoreV1Api;
  private readonly queue: WorkQueue;
  private readonly runs = new Map<string, PodRun>();
  /** Set by stop(): status writes in flight stop retrying. */
  private closed = false;
  /**
   * Pods that run processes, at most this many at once, as pods wait for a node's capacity:
   * a burst of 1,000 Jobs queues here instead of starting 1,000 host processes at once.
   */
  private readonly processes: PQueue;
  private readonly launcher: ProcessLauncher;
  private readonly events: EventRecorder;
  private readonly pods: SharedInformer<V1Pod>;
  private readonly nodes: SharedInformer<V1Node>;
  private nextNode = 0;
  private nextIp = 2;
  private readonly options: KubeletOptions;

  constructor(options: KubeletOptions) {
    this.options = options;
    this.core = options.kc.makeApiClient(CoreApi);
    this.processes = new PQueue({ concurrency: options.maxRunningPods ?? 16 });
    this.launcher = new ProcessLauncher(options.launchers ?? 1);
    this.events = createEventRecorder(coreEventSink(this.core), 'kubelet', options.onError);
    this.queue = new WorkQueue({
      concurrency: 16,
      process: (key) => this.reconcile(key),
      onError: (_key, error) => options.onError?.(error),
    });
    this.pods = options.informers.informer('/api/v1/pods', () =>
      this.core.listPodForAllNamespaces(),
    );
    this.pods.subscribe((event, pod) => {
      if (event === 'delete') this.stopPod(pod, 'deleted');
      else this.queue.add(objectKey(pod));
    });
    this.nodes = options.informers.informer('/api/v1/nodes', () => this.core.listNode());
    // An uncordoned or untainted node may fit the pods still waiting for one.
    this.nodes.subscribe((event) => {
      if (event === 'delete') return;
      for (const pod of this.pods.cache.list())
        if (!pod.spec?.nodeName && !pod.metadata?.deletionTimestamp) this.queue.add(objectKey(pod));
    });
  }

  async stop(): Promise<void> {
    this.closed = true;
    await this.queue.close();
    for (const [uid, run] of this.runs) {
      run.stopped = true;
      run.current?.stop(0);
      this.runs.delete(uid);
    }
    this.launcher.close();
  }

  private async reconcile(key: string): Promise<undefined> {
    const [namespace = '', name = ''] = key.split('/');
    const pod = this.pods.cache.get(name, namespace);
    if (!pod?.metadata?.uid) return undefined;
    if (pod.metadata.deletionTimestamp) {
      this.stopPod(pod, 'deleting');
      return undefined;
    }
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) {
      await this.bind(pod);
      return undefined;
    }
    const phase = pod.status?.phase;
    if (!this.options.nodes.includes(nodeName) || phase === 'Succeeded' || phase === 'Failed')
      return undefined;
    if (this.runs.has(pod.metadata.uid)) return undefined;
    const run: PodRun = { stopped: false };
    this.runs.set(pod.metadata.uid, run);
    if ((pod.spec?.restartPolicy ?? 'Always') === 'Always') {
      try {
        await this.reportLongRunning(pod);
      } catch (error) {
        this.runs.delete(pod.metadata.uid); // let the queue's retry report it again
        throw error;
      }
    } else {
      run.done = this.processes
        .add(() => this.runToCompletion(pod, run))
        .catch((error: unknown) => this.options.onError?.(error));
    }
    return undefined;
  }

  private async bind(pod: V1Pod): Promise<void> {
    const pick = pickNode(this.options.nodes, this.nextNode, (n) => this.nodes.cache.get(n), pod);
    // No node fits (all cordoned or tainted): the pod stays Pending until a node changes.
    if (pick === undefined) return;
    this.nextNode = pick.index + 1;
    const node = pick.name;
    const name = pod.metadata?.name ?? '';
    const namespace = pod.metadata?.namespace ?? 'default';
    await this.core.createNamespacedPodBinding({
      name,
      namespace,
      body: {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name, namespace },
        target: { apiVersion: 'v1', kind: 'Node', name: node },
      },
    });
    this.events.record(
      { ...pod, apiVersion: 'v1', kind: 'Pod' },
      'Normal',
      'Scheduled',
      `Successfully assigned ${namespace}/${name} to ${node}`,
    );
  }

  private async reportLongRunning(pod: V1Pod): Promise<void> {
    const now = new Date();
    const statuses = (pod.spec?.containers ?? []).map((container) =>
      containerStatus(container.name, container.image ?? '', { state: 'running', startedAt: now }),
    );
    await this.patchStatus(pod, {
      phase: 'Running',
      startTime: now,
      podIP: this.allocateIp(),
      hostIP: '127.0.0.1',
      conditions: podConditions(pod, true),
      containerStatuses: statuses,
    });
  }

  private async runToCompletion(pod: V1Pod, run: PodRun): Promise<void> {
    const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
    const statuses = containers.map((container) =>
      containerStatus(container.name, container.image ?? '', {
        state: 'waiting',
        reason: 'PodInitializing',
      }),
    );
    const placement = { startTime: new Date(), podIP: this.allocateIp(), hostIP: '127.0.0.1' };
    const deadlineSeconds = pod.spec?.activeDeadlineSeconds;
    if (deadlineSeconds !== undefined) {
      run.deadline = setTimeout(() => {
        run.stopped = true;
        run.current?.stop(0);
        void this.finish(
          pod,
          statuses,
          'DeadlineExceeded',
          `Pod was active on the node longer than the specified deadline`,
        );
      }, deadlineSeconds * 1000);
    }
    for (const [index, container] of containers.entries()) {
      if (run.stopped) return;
      const image = this.options.catalog.resolve(container.image ?? '');
      if (!image) {
        statuses[index] = containerStatus(container.name, container.image ?? '', {
          state: 'waiting',
          reason: 'ImagePullBackOff',
          message: `Back-off pulling image "${container.image ?? ''}"`,
        });
        this.events.record(
          { ...pod, apiVersion: 'v1', kind: 'Pod' },
          'Warning',
          'Failed',
          `Failed to pull image "${container.image ?? ''}": not found in the local image catalog`,
        );
        clearTimeout(run.deadline);
        await this.patchStatus(pod, {
          phase: 'Pending',
          conditions: podConditions(pod, false, 'ContainersNotReady'),
          containerStatuses: statuses,
        });
        return;
      }
      const argv = resolveCommand(image, container);
      let env: Record<string, string>;
      try {
        env = await resolveContainerEnv(this.core, pod, container);
      } catch (error) {
        statuses[index] = containerStatus(container.name, container.image ?? '', {
          state: 'waiting',
          reason: 'CreateContainerConfigError',
          message: (error as Error).message,
        });
        clearTimeout(run.deadline);
        await this.patchStatus(pod, { phase: 'Pending', containerStatuses: statuses });
        return;
      }
      const exit = await this.runOne(pod, container, argv, env, run);
      // Deleted while it ran: the pod is gone, and nothing is left to report.
      if (wasStopped(run)) return;
      statuses[index] = containerStatus(container.name, container.image ?? '', {
        state: 'terminated',
        exit,
      });
      // Running is reported once the first container has run, unless the pod is over by then:
      // a container that exits at once goes from Pending to its end in one status write, as
      // a real kubelet's status manager reports what it finds when it syncs.
      const over = index === containers.length - 1 || exit.exitCode !== 0;
      if (index === 0 && !over) {
        await this.patchStatus(pod, {
          phase: 'Running',
          ...placement,
          conditions: podConditions(pod, true),
          containerStatuses: statuses,
        });
      }
      if (exit.exitCode !== 0) break;
    }
    if (!run.stopped) await this.finish(pod, statuses, undefined, undefined, placement);
  }

  private async runOne(
    pod: V1Pod,
    container: V1Container,
    argv: string[] | string,
    env: Record<string, string>,
    run: PodRun,
  ): Promise<ContainerExit> {
    if (typeof argv === 'string') {
      // The command names nothing in the image: the runtime fails to start the container.
      const now = new Date();
      return {
        exitCode: 128,
        reason: 'StartError',
        message: argv,
        startedAt: now,
        finishedAt: now,
      };
    }
    const sandbox = planSandbox(pod, container, this.options);
    if (run.stopped) {
      // The pod went away before its container started: never start the process.
      const now = new Date();
      return {
        exitCode: 137,
        reason: 'Error',
        message: 'pod deleted before start',
        startedAt: now,
        finishedAt: now,
      };
    }
    const namespace = pod.metadata?.namespace ?? 'default';
    const podName = pod.metadata?.name ?? '';
    const running = runContainer(
      {
        argv,
        env: { ...env, ...sandbox.env },
        cwd: sandbox.root,
        prepare: sandbox.steps,
        terminationLogPath: sandbox.hostPath(
          container.terminationMessagePath ?? '/dev/termination-log',
        ),
        fallbackToLogsOnError: container.terminationMessagePolicy === 'FallbackToLogsOnError',
        onOutput: (text) => {
          this.options.appendLog(namespace, podName, container.name, text);
        },
      },
      this.launcher,
    );
    run.current = running;
    this.events.record(
      { ...pod, apiVersion: 'v1', kind: 'Pod' },
      'Normal',
      'Started',
      `Started container ${container.name}`,
    );
    return running.done;
  }

  private async finish(
    pod: V1Pod,
    statuses: V1ContainerStatus[],
    reason?: string,
    message?: string,
    placement?: { startTime: Date; podIP: string; hostIP: string },
  ): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    const run = this.runs.get(uid);
    if (run) clearTimeout(run.deadline);
    await this.patchStatus(pod, {
      ...placement,
      ...terminalStatus(pod, statuses, reason, message),
    });
  }

  private stopPod(pod: V1Pod, why: string): void {
    const uid = pod.metadata?.uid ?? '';
    const run = this.runs.get(uid);
    if (!run) return;
    run.stopped = true;
    clearTimeout(run.deadline);
    const graceSeconds =
      pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    run.current?.stop(graceSeconds * 1000);
    if (why === 'deleted') {
      this.runs.delete(uid);
      const namespace = pod.metadata?.namespace ?? 'default';
      const name = pod.metadata?.name ?? '';
      void (run.done ?? Promise.resolve())
        .then(() => removePodSandbox(this.options.stateDir, namespace, name))
        .catch((error: unknown) => this.options.onError?.(error));
    }
  }

  private async patchStatus(pod: V1Pod, status: object): Promise<void> {
    const name = pod.metadata?.name ?? '';
    const namespace = pod.metadata?.namespace ?? 'default';
    // A kubelet's status manager retries until the API server takes the status.
    await ignoreNotFound(
      retryOnError(
        () => this.core.patchNamespacedPodStatus({ name, namespace, body: { status } }, mergePatch),
        // A merge patch carries no resourceVersion, so even a 409 is safe to send again.
        { attempts: 20, retriable: (error) => !this.closed && statusCodeOf(error) !== 404 },
      ),
    );
  }

  private allocateIp(): string {
    const ip = this.nextIp++;
    return `10.244.${String(Math.floor(ip / 250) % 250)}.${String((ip % 250) + 1)}`;
  }
}

/** Read through a call: stopPod() flips the flag while runToCompletion awaits. */
function wasStopped(run: PodRun): boolean {
  return run.stopped;
}
