/** What the planner sees of the world, and what it asks the reconciler to do. */
import type { JsonObject } from '../api/primitives.ts';
import type { WorkflowExecutionStatus } from '../api/workflow-execution.ts';

/** One step attempt as observed from its child object (ActionExecution, TaskRun...). */
export interface ObservedAttempt {
  step: string;
  attempt: number;
  name: string;
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  startedAt?: string;
  completedAt?: string;
  outputs?: JsonObject;
  /** Why it failed: an exit code, DeadlineExceeded, OOMKilled, SignatureVerificationFailed... */
  reason?: string;
  message?: string;
}

export interface ObservedChildren {
  attempts: readonly ObservedAttempt[];
  /** Whether the run's workspace claim exists. */
  workspaceExists: boolean;
}

export type Effect =
  | {
      type: 'createAttempt';
      step: string;
      attempt: number;
      name: string;
      actionType: string;
      image: string;
      /** Inputs with output references resolved. */
      inputs: JsonObject;
      usesWorkspace: boolean;
      timeoutMs?: number;
    }
  | { type: 'deleteAttempt'; step: string; attempt: number; name: string; reason: string }
  | { type: 'createWorkspace'; claimName: string }
  | { type: 'deleteWorkspace'; claimName: string }
  | { type: 'recordEvent'; eventType: 'Normal' | 'Warning'; reason: string; message: string }
  | { type: 'requeueAt'; at: string };

export interface PlanOptions {
  /** Random source in [0, 1) for retry jitter; injected so plans are reproducible. */
  random: () => number;
  /** Kind of the per-attempt child object, recorded in step childRef. */
  childKind?: string;
  /** How long a step may claim to run with no child observed before it counts as lost. */
  childMissingGraceMs?: number;
}

export interface Plan {
  status: WorkflowExecutionStatus;
  effects: Effect[];
}
