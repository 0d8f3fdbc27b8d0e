/**
 * The on-demand operations shared by the HTTP API and the Slack command: create a run from a
 * template or an ad-hoc spec, list, read, cancel, approve and reject. Authorization beyond the
 * route's scope lives here (ad-hoc needs `admin`, approvers differ from requesters), so every
 * channel applies the same rules.
 */
import type { CoreV1Event } from '@kubernetes/client-node';
import {
  RUN_PHASES,
  TERMINAL_RUN_PHASES,
  type WorkflowExecution,
} from '../api/workflow-execution.ts';
import { hasScope, type Caller } from '../auth/scopes.ts';
import type { Problem } from '../workflow/problems.ts';
import { validateWorkflowExecution } from '../workflow/validate-workflow-execution.ts';
import {
  buildAdHocRun,
  buildTemplateRun,
  REQUEST_DIGEST_ANNOTATION,
  type AdHocWorkflow,
  type OnDemandCaller,
} from './build-on-demand-run.ts';
import { decideApproval, type ApprovalDecision } from './decide-approval.ts';
import { onDemandRunName, requestDigest } from './on-demand-run-name.ts';
import { OnDemandError } from './on-demand-error.ts';
import { resolveParameters } from './resolve-parameters.ts';
import type { RunPage, RunStore } from './run-store.ts';

export const CANCELLED_BY_ANNOTATION = 'kubernaut.ai/cancelled-by';
const CONFLICT_RETRIES = 3;

export interface RequestingCaller extends Caller {
  via: OnDemandCaller['via'];
}

export interface CreateRunRequest {
  namespace: string;
  template?: string | undefined;
  parameters?: Readonly<Record<string, string>> | undefined;
  workflow?: AdHocWorkflow | undefined;
  target?: string | undefined;
  requireApproval?: boolean | undefined;
  dryRun?: boolean | undefined;
}

export interface RunFilters {
  namespace?: string | undefined;
  template?: string | undefined;
  target?: string | undefined;
  phase?: string | undefined;
  labelSelector?: string | undefined;
  limit: number;
  continueToken?: string | undefined;
}

export interface WorkflowServiceOptions {
  store: Pick<
    RunStore,
    'getTemplate' | 'createRun' | 'getRun' | 'listRuns' | 'patchRunSpec' | 'listRunEvents'
  >;
  now?: () => Date;
  onRunCreated?: (caller: RequestingCaller) => void;
}

/** Field selector values: commas and equals signs would split the selector. */
const SELECTOR_VALUE = /^[^,=\\!]+$/;

export class WorkflowService {
  private readonly store: WorkflowServiceOptions['store'];
  private readonly now: () => Date;
  private readonly onRunCreated: (caller: RequestingCaller) => void;

  constructor(options: WorkflowServiceOptions) {
    this.store = options.store;
    this.now = options.now ?? (() => new Date());
    this.onRunCreated = options.onRunCreated ?? (() => undefined);
  }

  /** Creates the run once per Idempotency-Key; `created: false` is a replay of that request. */
  async createRun(
    caller: RequestingCaller,
    request: CreateRunRequest,
    idempotencyKey?: string,
  ): Promise<{ run: WorkflowExecution; created: boolean }> {
    const run = await this.buildRun(caller, request, idempotencyKey);
    const validated = validateWorkflowExecution(run);
    if (!validated.ok) {
      const problems = validated.problems.map((problem) => ({
        ...problem,
        path: request.workflow ? problem.path.replace(/^spec\b/, 'workflow') : problem.path,
      }));
      throw new OnDemandError('Invalid', 'the workflow is not valid', problems);
    }
    const created = await this.store.createRun(run);
    if (created) {
      this.onRunCreated(caller);
      return { run: created, created: true };
    }
    const { namespace = 'default', name = '' } = run.metadata;
    if (idempotencyKey === undefined) {
      // A random name that exists already: astronomically rare, and a retry picks another.
      throw new OnDemandError('Unavailable', `run name ${name} is taken; retry`);
    }
    const existing = await this.store.getRun(namespace, name);
    const digest = run.metadata.annotations?.[REQUEST_DIGEST_ANNOTATION];
    if (existing.metadata.annotations?.[REQUEST_DIGEST_ANNOTATION] !== digest) {
      throw new OnDemandError(
        'IdempotencyKeyReused',
        'this Idempotency-Key was used for a different request: use a new key for a new run',
      );
    }
    return { run: existing, created: false };
  }

  private async buildRun(
    caller: RequestingCaller,
    request: CreateRunRequest,
    idempotencyKey: string | undefined,
  ): Promise<WorkflowExecution> {
    const identity = {
      namespace: request.namespace,
      caller: { name: caller.name, via: caller.via },
      ...(idempotencyKey === undefined ? {} : { requestDigest: requestDigest(request) }),
      ...(request.target === undefined ? {} : { target: request.target }),
      ...(request.requireApproval === undefined
        ? {}
        : { requireApproval: request.requireApproval }),
      ...(request.dryRun === undefined ? {} : { dryRun: request.dryRun }),
    };
    if (request.workflow) {
      if (!hasScope(caller, 'admin')) {
        throw new OnDemandError(
          'Forbidden',
          `${caller.name} lacks the "admin" scope for ad-hoc workflows`,
        );
      }
      const name = onDemandRunName(request.workflow.workflowType, caller.name, idempotencyKey);
      return buildAdHocRun(request.workflow, { ...identity, name });
    }
    const templateName = request.template ?? '';
    const template = await this.store.getTemplate(request.namespace, templateName);
    const params = resolveParameters(template.spec.parameters, request.parameters ?? {});
    if (!params.ok) throw new OnDemandError('Invalid', 'invalid parameters', params.problems);
    const name = onDemandRunName(templateName, caller.name, idempotencyKey);
    const built = buildTemplateRun(template, params.value, { ...identity, name });
    if (!built.ok)
      throw new OnDemandError('Invalid', 'the template cannot be rendered', built.problems);
    return built.value;
  }

  listRuns(filters: RunFilters): Promise<RunPage> {
    const fields: string[] = [];
    const problems: Problem[] = [];
    const add = (field: string, key: keyof RunFilters, value: string | undefined): void => {
      if (value === undefined) return;
      if (!SELECTOR_VALUE.test(value))
        problems.push({ path: key, message: 'must not contain , = ! or \\' });
      fields.push(`${field}=${value}`);
    };
    add('spec.templateRef.name', 'template', filters.template);
    add('spec.target', 'target', filters.target);
    if (filters.phase !== undefined && !(RUN_PHASES as readonly string[]).includes(filters.phase)) {
      problems.push({ path: 'phase', message: `must be one of ${RUN_PHASES.join(', ')}` });
    }
    add('status.phase', 'phase', filters.phase);
    if (problems.length > 0) throw new OnDemandError('Invalid', 'invalid filters', problems);
    return this.store.listRuns({
      namespace: filters.namespace,
      labelSelector: filters.labelSelector,
      fieldSelector: fields.join(',') || undefined,
      limit: filters.limit,
      continueToken: filters.continueToken,
    });
  }

  async getRunDetail(
    namespace: string,
    name: string,
  ): Promise<{ run: WorkflowExecution; events: CoreV1Event[] }> {
    const run = await this.store.getRun(namespace, name);
    return { run, events: await this.store.listRunEvents(run) };
  }

  cancelRun(caller: RequestingCaller, namespace: string, name: string): Promise<WorkflowExecution> {
    return this.updateSpec(
      namespace,
      name,
      (run) => {
        const phase = run.status?.phase;
        if (phase !== undefined && TERMINAL_RUN_PHASES.has(phase)) {
          throw new OnDemandError('AlreadyFinished', `${namespace}/${name} has ended (${phase})`);
        }
        if (run.spec.cancel) return undefined;
        return { cancel: true };
      },
      { [CANCELLED_BY_ANNOTATION]: caller.name },
    );
  }

  decide(
    caller: RequestingCaller,
    namespace: string,
    name: string,
    decision: ApprovalDecision,
    reason?: string,
  ): Promise<WorkflowExecution> {
    return this.updateSpec(namespace, name, (run) => ({
      approval: decideApproval(run, { decision, by: caller.name, reason }, this.now()),
    }));
  }

  /** Read, decide, write with the read resourceVersion; a 409 re-reads and decides again. */
  private async updateSpec(
    namespace: string,
    name: string,
    change: (run: WorkflowExecution) => Partial<WorkflowExecution['spec']> | undefined,
    annotations?: Record<string, string>,
  ): Promise<WorkflowExecution> {
    for (let attempt = 1; ; attempt++) {
      const run = await this.store.getRun(namespace, name);
      const spec = change(run);
      if (spec === undefined) return run;
      const result = await this.store.patchRunSpec(run, spec, annotations);
      if (result !== 'conflict') return result;
      if (attempt >= CONFLICT_RETRIES) {
        throw new OnDemandError('Unavailable', `${namespace}/${name} keeps changing; try again`);
      }
    }
  }
}
