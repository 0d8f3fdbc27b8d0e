/**
 * Collects what an engineer would look at first — a describe-like summary of the target and
 * of its pods, their events and the recent logs of every container (and of the previous
 * instance of a restarted one) — into the run's workspace, and answers with a one-line summary.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CoreV1Api, type CoreV1Event, type V1Pod } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { invalidInput } from '../../../runtime/action-error.ts';
import { defineAction, type ActionContext } from '../../../runtime/define-action.ts';
import { callApi } from '../../../runtime/kube-calls.ts';
import {
  describePodText,
  type DescribedObject,
  describeWorkloadText,
  formatEvents,
  formatSelector,
  restartsOf,
  summarize,
} from '../../../lib/diagnostics/describe-objects.ts';
import { resolveInWorkspace } from '../../../lib/git/git-inputs.ts';
import { readWorkload, type WorkloadKind } from '../../../lib/workloads.ts';

interface Inputs {
  namespace: string;
  kind: WorkloadKind | 'Pod';
  name: string;
  tailLines: number;
  maxPods: number;
  directory: string;
}

async function readTarget(
  context: ActionContext<Inputs>,
): Promise<{ object: DescribedObject; pod?: V1Pod; pods: V1Pod[] }> {
  const { kind, namespace, name } = context.inputs;
  if (kind === 'Pod') {
    const pod = await callApi(
      `pod ${namespace}/${name}`,
      context.api(CoreV1Api).readNamespacedPod({ name, namespace }),
    );
    return { object: { ...pod, kind: 'Pod' }, pod, pods: [pod] };
  }
  const object = await readWorkload(context, { kind, namespace, name });
  const selector = formatSelector(object.spec?.selector);
  const list = await callApi(
    `pods of ${kind.toLowerCase()} ${namespace}/${name}`,
    context.api(CoreV1Api).listNamespacedPod({ namespace, labelSelector: selector }),
  );
  return { object: { ...object, kind }, pods: list.items };
}

async function readLog(
  context: ActionContext<Inputs>,
  pod: V1Pod,
  container: string,
  previous: boolean,
): Promise<string> {
  try {
    return await context.api(CoreV1Api).readNamespacedPodLog({
      name: pod.metadata?.name ?? '',
      namespace: pod.metadata?.namespace ?? '',
      container,
      tailLines: context.inputs.tailLines,
      ...(previous ? { previous } : {}),
    });
  } catch (error) {
    const body = (error as { body?: unknown }).body;
    return `(no log: ${typeof body === 'string' ? body.slice(0, 300) : error instanceof Error ? error.message : 'unavailable'})\n`;
  }
}

export default defineAction<Inputs>(async (context) => {
  const { namespace, kind, name, tailLines, maxPods, directory } = context.inputs;
  if (tailLines < 1 || tailLines > 10_000)
    throw invalidInput('tailLines', `must be between 1 and 10000, got ${tailLines}`);
  if (maxPods < 1 || maxPods > 50)
    throw invalidInput('maxPods', `must be between 1 and 50, got ${maxPods}`);
  const out = resolveInWorkspace(
    context,
    'directory',
    join(directory, `${kind.toLowerCase()}-${name}`),
  );
  const { object, pod: targetPod, pods: allPods } = await readTarget(context);
  const pods = [...allPods]
    .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))
    .slice(0, maxPods);
  const events = await callApi(
    `events in ${namespace}`,
    context.api(CoreV1Api).listNamespacedEvent({ namespace }),
  );
  const uids = new Set([object.metadata?.uid, ...pods.map((p) => p.metadata?.uid)]);
  const related: CoreV1Event[] = events.items.filter((e) => uids.has(e.involvedObject.uid));

  const files: string[] = [];
  const write = async (relative: string, text: string): Promise<void> => {
    await mkdir(dirname(join(out.hostPath, relative)), { recursive: true });
    await writeFile(join(out.hostPath, relative), text);
    files.push(`${out.containerPath}/${relative}`);
  };
  const metadata = { ...object.metadata };
  delete metadata.managedFields;
  await write('target.yaml', stringify({ ...object, metadata }));
  await write(
    'describe.txt',
    targetPod ? describePodText(targetPod) : describeWorkloadText(object),
  );
  await write('events.txt', formatEvents(related));
  for (const pod of pods) {
    const podName = pod.metadata?.name ?? '';
    await write(`pods/${podName}.txt`, describePodText(pod));
    for (const container of pod.spec?.containers ?? []) {
      await write(
        `logs/${podName}/${container.name}.log`,
        await readLog(context, pod, container.name, false),
      );
      const status = pod.status?.containerStatuses?.find((s) => s.name === container.name);
      if ((status?.restartCount ?? 0) > 0)
        await write(
          `logs/${podName}/${container.name}.previous.log`,
          await readLog(context, pod, container.name, true),
        );
    }
  }
  const summary = summarize(`${kind} ${namespace}/${name}`, pods, related);
  const restartedPods = pods.filter((p) => restartsOf(p) > 0).length;
  await write('summary.txt', `${summary.text}\n`);
  context.log.info({ directory: out.containerPath, files: files.length }, summary.text);
  return {
    directory: out.containerPath,
    summary: summary.text,
    pods: pods.length,
    readyPods: summary.readyPods,
    restarts: summary.restarts,
    restartedPods,
    warningEvents: summary.warnings,
    files,
  };
});
