/**
 * The step Events of the Tekton backend, from one step status to the next (pure), with the
 * reasons and messages of the Jobs backend: StepStarted, StepSucceeded, RetryScheduled,
 * StepFailed. A re-plan of the same observation yields none.
 */
import type { StepStatus } from '../../api/workflow-execution.ts';

export interface RecordEvent {
  type: 'recordEvent';
  eventType: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

const event = (
  eventType: RecordEvent['eventType'],
  reason: string,
  message: string,
): RecordEvent => ({ type: 'recordEvent', eventType, reason, message });

export function stepEvents(previous: StepStatus, next: StepStatus): RecordEvent[] {
  const events: RecordEvent[] = [];
  const name = next.name;
  const attemptChanged = next.attempt !== previous.attempt;
  const entered = (phase: StepStatus['phase']): boolean =>
    next.phase === phase && (previous.phase !== phase || attemptChanged);
  // An attempt that began and ended between two observations still gets its StepStarted.
  const started =
    next.attempt > previous.attempt || (entered('Running') && previous.phase !== 'Running');
  if (started && next.phase !== 'Skipped' && next.childRef) {
    events.push(
      event(
        'Normal',
        'StepStarted',
        `step ${name} attempt ${next.attempt} started as ${next.childRef.name}`,
      ),
    );
  }
  if (entered('Succeeded'))
    events.push(event('Normal', 'StepSucceeded', `step ${name} attempt ${next.attempt} succeeded`));
  if (entered('Retrying'))
    events.push(
      event(
        'Warning',
        'RetryScheduled',
        `step ${name} attempt ${next.attempt} failed (${next.reason ?? 'Failed'}); Tekton retries it now`,
      ),
    );
  if (entered('Failed'))
    events.push(
      event(
        'Warning',
        'StepFailed',
        `step ${name} failed (${next.reason ?? 'Failed'}): ${next.message ?? ''}`,
      ),
    );
  return events;
}
