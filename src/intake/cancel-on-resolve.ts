/**
 * A resolved alert never starts anything. When the template that started a run from this
 * alert's firing episode says `cancelOnResolve`, the run is cancelled (`spec.cancel: true`) if
 * it has not finished; the engine then stops its steps. Only the run this alert started: a
 * run it was folded into as a duplicate belongs to another alert.
 */
import type { IntakeAlert } from '../alerts/webhook-payload.ts';
import { TERMINAL_RUN_PHASES, type WorkflowExecution } from '../api/workflow-execution.ts';
import type { CompiledTemplate } from '../alerts/match-templates.ts';
import type { IntakeApi } from './intake-api.ts';
import type { RunIndex } from './run-index.ts';

export interface CancelDeps {
  runs: Pick<RunIndex, 'withFingerprint'>;
  templates: { get(key: string): CompiledTemplate | undefined };
  api: Pick<IntakeApi, 'cancelRun'>;
}

/** The runs to cancel for a resolved alert: started by it, in this episode, still going. */
export function runsToCancel(
  alert: Pick<IntakeAlert, 'fingerprint' | 'startsAt'>,
  runs: readonly WorkflowExecution[],
  cancelOnResolve: (templateKey: string) => boolean,
): WorkflowExecution[] {
  return runs.filter((run) => {
    const source = run.spec.source;
    if (source?.type !== 'alert' || source.alert.fingerprint !== alert.fingerprint) return false;
    if (Date.parse(source.alert.startsAt) !== Date.parse(alert.startsAt)) return false;
    if (run.spec.cancel) return false;
    if (run.status?.phase && TERMINAL_RUN_PHASES.has(run.status.phase)) return false;
    const ref = run.spec.templateRef;
    return (
      ref !== undefined &&
      cancelOnResolve(`${ref.namespace ?? run.metadata.namespace ?? 'default'}/${ref.name}`)
    );
  });
}

export async function cancelResolvedRuns(alert: IntakeAlert, deps: CancelDeps): Promise<string[]> {
  const targets = runsToCancel(
    alert,
    deps.runs.withFingerprint(alert.fingerprint),
    (key) => deps.templates.get(key)?.template.spec.guardrails?.cancelOnResolve === true,
  );
  await Promise.all(
    targets.map((run) =>
      deps.api.cancelRun(run.metadata.namespace ?? 'default', run.metadata.name ?? ''),
    ),
  );
  return targets.map((run) => run.metadata.name ?? '');
}
