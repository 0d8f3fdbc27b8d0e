/**
 * Waits until a workload's rollout is complete, by the checks of `kubectl rollout status`,
 * driven by a watch; fails when the rollout cannot complete (progress deadline exceeded) or
 * the timeout passes.
 */
import { invalidInput } from '../../../runtime/action-error.ts';
import { defineAction } from '../../../runtime/define-action.ts';
import { rolloutStatus } from '../../../lib/rollout-status.ts';
import { waitForObject } from '../../../lib/wait-for-object.ts';
import {
  describeWorkload,
  readWorkload,
  workloadCollectionPath,
  type WorkloadKind,
} from '../../../lib/workloads.ts';

export default defineAction<{
  namespace: string;
  kind: WorkloadKind;
  name: string;
  timeoutSeconds: number;
}>(async (context) => {
  const { namespace, kind, name, timeoutSeconds } = context.inputs;
  if (timeoutSeconds <= 0)
    throw invalidInput('timeoutSeconds', `must be positive, got ${timeoutSeconds}`);
  const target = { kind, namespace, name };
  const { message } = await waitForObject(context, {
    what: describeWorkload(target),
    collectionPath: workloadCollectionPath(target),
    name,
    read: () => readWorkload(context, target),
    judge: (workload) => rolloutStatus(kind, workload),
    timeoutMs: timeoutSeconds * 1000,
  });
  context.log.info({ kind, name, namespace }, message);
  return { kind, name, message };
});
