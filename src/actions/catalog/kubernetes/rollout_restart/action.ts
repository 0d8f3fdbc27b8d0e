/**
 * Restarts a workload's pods as `kubectl rollout restart` does: a new
 * kubectl.kubernetes.io/restartedAt annotation on the pod template, so the controller rolls
 * the pods out by its own strategy (surge, PDB-friendly) instead of killing them at once.
 */
import { defineAction } from '../../../runtime/define-action.ts';
import { resolveWorkload } from '../../../lib/owner-workload.ts';
import { patchWorkload, type WorkloadKind } from '../../../lib/workloads.ts';

export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

export default defineAction<{ namespace: string; kind: WorkloadKind; name?: string; pod?: string }>(
  async (context) => {
    const target = await resolveWorkload(context);
    // kubectl writes RFC 3339 without fractions of a second.
    const restartedAt = context
      .now()
      .toISOString()
      .replace(/\.\d+Z$/, 'Z');
    await patchWorkload(context, target, {
      spec: { template: { metadata: { annotations: { [RESTARTED_AT]: restartedAt } } } },
    });
    context.log.info({ ...target, restartedAt }, 'restarted');
    return { kind: target.kind, name: target.name, restartedAt };
  },
);
