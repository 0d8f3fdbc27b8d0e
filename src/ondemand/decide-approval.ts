/**
 * Approve or reject a run that waits for approval. Pure: it reads the run and returns the new
 * `spec.approval`, or why the decision is refused. The approver must differ from the requester
 * (four eyes): the requester is the caller recorded in `spec.source`; a run started by an
 * alert has no human requester, so anyone with the `approve` scope may decide it.
 */
import { TERMINAL_RUN_PHASES, type WorkflowExecution } from '../api/workflow-execution.ts';
import { OnDemandError } from './on-demand-error.ts';

export type ApprovalDecision = 'Approved' | 'Rejected';
type Approval = NonNullable<WorkflowExecution['spec']['approval']>;

export function requesterOf(run: WorkflowExecution): string | undefined {
  const source = run.spec.source;
  return source?.type === 'onDemand' ? source.caller.name : undefined;
}

export function decideApproval(
  run: WorkflowExecution,
  decision: { decision: ApprovalDecision; by: string; reason?: string | undefined },
  now: Date,
): Approval {
  const name = `${run.metadata.namespace ?? ''}/${run.metadata.name ?? ''}`;
  const approval = run.spec.approval;
  if (!approval?.required) {
    throw new OnDemandError('NotAwaitingApproval', `${name} does not require approval`);
  }
  if (approval.decision !== undefined) {
    throw new OnDemandError(
      'AlreadyDecided',
      `${name} was already ${approval.decision.toLowerCase()} by ${approval.decidedBy ?? 'someone'}`,
    );
  }
  const phase = run.status?.phase;
  if (run.spec.cancel || (phase !== undefined && TERMINAL_RUN_PHASES.has(phase))) {
    throw new OnDemandError('AlreadyFinished', `${name} has ended (${phase ?? 'cancelled'})`);
  }
  if (requesterOf(run) === decision.by) {
    throw new OnDemandError(
      'SelfApproval',
      `${decision.by} requested ${name} and cannot also decide it: another approver must`,
    );
  }
  return {
    required: true,
    decision: decision.decision,
    decidedBy: decision.by,
    decidedAt: now.toISOString(),
    ...(decision.reason ? { reason: decision.reason } : {}),
  };
}
