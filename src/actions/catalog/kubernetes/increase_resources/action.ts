/**
 * Raises the memory or CPU limit and request of one container of a workload's pod
 * template, within a ceiling; the workload then rolls out pods with the new values. The
 * JSON patch tests the container's name at its index and the resourceVersion read, so it
 * changes exactly the container that was planned for.
 */
import { invalidInput } from '../../../runtime/action-error.ts';
import { defineAction } from '../../../runtime/define-action.ts';
import { resolveWorkload } from '../../../lib/owner-workload.ts';
import { planResize, type ResizeInputs } from '../../../lib/resize-plan.ts';
import { patchWorkload, readWorkload, type WorkloadKind } from '../../../lib/workloads.ts';

export default defineAction<
  ResizeInputs & {
    namespace: string;
    kind: WorkloadKind;
    name?: string;
    pod?: string;
    container?: string;
  }
>(async (context) => {
  const target = await resolveWorkload(context);
  const workload = await readWorkload(context, target);
  const containers = workload.spec?.template.spec?.containers ?? [];
  const wanted = context.inputs.container;
  const index =
    wanted === undefined
      ? containers.length === 1
        ? 0
        : -1
      : containers.findIndex((c) => c.name === wanted);
  const container = containers[index];
  if (!container) {
    const names = containers.map((c) => c.name).join(', ');
    throw wanted === undefined
      ? invalidInput('container', `required: the pod template has several containers (${names})`)
      : invalidInput('container', `"${wanted}" is not a container of the pod template (${names})`);
  }
  const plan = planResize(container.resources, context.inputs);
  const path = `/spec/template/spec/containers/${String(index)}`;
  await patchWorkload(context, target, [
    { op: 'test', path: '/metadata/resourceVersion', value: workload.metadata?.resourceVersion },
    { op: 'test', path: `${path}/name`, value: container.name },
    { op: 'add', path: `${path}/resources`, value: plan.resources },
  ]);
  const outputs = plan.summary;
  context.log.info({ ...target, container: container.name, ...outputs }, 'resized');
  return { kind: target.kind, name: target.name, container: container.name, ...outputs };
});
