/**
 * One run: its live part (summary, DAG, step states: re-rendered for every SSE update), the
 * source alert, each step's inputs, outputs, image verification and last log lines, the Events
 * timeline, and the buttons the caller's scopes allow. Data is only ever a text child or an
 * attribute value; the generatorURL is a link only when it is http(s).
 */
import type { CoreV1Event } from '@kubernetes/client-node';
import type { JSXNode } from 'hono/jsx';
import type { WorkflowExecution } from '../../../src/api/workflow-execution.ts';
import type { StepArtifacts, Verification } from '../../../src/ui/read-run-artifacts.ts';
import { safeHttpUrl } from '../../../src/ui/safe-link.ts';
import { BACKEND_LABELS, formatDuration, summarizeRun } from '../../../src/ui/summarize-run.ts';
import { dagSvg } from './dag-svg.ts';
import { h, jsonText, timeOf, type Node } from './h.ts';
import { csrfInput, layout, type PageOptions } from './layout.ts';
import { phaseBadge, runHref } from './runs-page.ts';

export interface RunActions {
  decide: boolean;
  cancel: boolean;
  rerun: boolean;
}

export interface RunPageModel {
  run: WorkflowExecution;
  events: readonly CoreV1Event[];
  artifacts: readonly StepArtifacts[];
  actions: RunActions;
  notice?: string | undefined;
  liveUrl: string;
  now: Date;
  /** The re-run form's Idempotency-Key: a double submit creates one run, not two. */
  rerunKey: string;
}

function entry(term: string, ...value: Node[]): Node[] {
  return [h('dt', null, term), h('dd', null, ...value)];
}

function mapTable(caption: string, values: Readonly<Record<string, string>>): JSXNode {
  const rows = Object.entries(values).sort(([a], [b]) => a.localeCompare(b));
  return h(
    'table',
    { class: 'kv' },
    h('caption', null, caption),
    h(
      'thead',
      null,
      h('tr', null, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Value')),
    ),
    h(
      'tbody',
      null,
      ...(rows.length === 0
        ? [h('tr', null, h('td', { colspan: 2 }, 'none'))]
        : rows.map(([name, value]) =>
            h('tr', null, h('th', { scope: 'row' }, name), h('td', null, value)),
          )),
    ),
  );
}

/** The part the SSE stream replaces as the run changes. */
export function runLive(run: WorkflowExecution, now: Date): JSXNode {
  const summary = summarizeRun(run, now);
  const approval = run.spec.approval;
  const steps = run.status?.steps ?? [];
  return h(
    'div',
    { id: 'run-live', 'data-phase': summary.phase },
    h(
      'dl',
      { class: 'summary' },
      ...entry(
        'Phase',
        phaseBadge(summary.phase),
        summary.progress ? ` ${summary.progress} steps` : '',
      ),
      ...entry('Namespace', summary.namespace),
      ...entry('Template', summary.template || '—'),
      ...entry('Target', summary.target || '—'),
      ...entry(
        'Backend',
        summary.backend ? (BACKEND_LABELS[summary.backend] ?? summary.backend) : 'not chosen yet',
        run.status?.backend?.reason ? ` (${run.status.backend.reason})` : '',
      ),
      ...entry('Started', timeOf(summary.startedAt)),
      ...entry('Duration', formatDuration(summary.durationMs)),
      ...entry('Source', summary.source || '—'),
      ...(approval?.required
        ? entry(
            'Approval',
            approval.decision
              ? `${approval.decision} by ${approval.decidedBy ?? '?'}${approval.reason ? `: ${approval.reason}` : ''}`
              : 'waiting for a decision',
          )
        : []),
    ),
    h('h2', { id: 'dag-heading' }, 'Steps'),
    h(
      'div',
      { class: 'dag-wrap', role: 'group', 'aria-labelledby': 'dag-heading' },
      dagSvg(run, now),
    ),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'steps' },
        h('caption', null, 'Step states'),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ...['Step', 'Phase', 'Attempt', 'Started', 'Reason'].map((title) =>
              h('th', { scope: 'col' }, title),
            ),
          ),
        ),
        h(
          'tbody',
          null,
          ...run.spec.steps.map((step) => {
            const status = steps.find((candidate) => candidate.name === step.name);
            return h(
              'tr',
              { 'data-step': step.name },
              h('th', { scope: 'row' }, h('a', { href: `#step-${step.name}` }, step.name)),
              h('td', null, phaseBadge(status?.phase ?? 'Pending')),
              h('td', null, String(status?.attempt ?? 0)),
              h('td', null, timeOf(status?.startedAt)),
              h('td', null, [status?.reason, status?.message].filter(Boolean).join(': ') || '—'),
            );
          }),
        ),
      ),
    ),
  );
}

function verificationList(verification: Verification): JSXNode {
  return h(
    'dl',
    { class: 'verification' },
    ...entry('Signature', verification.verified ? 'verified' : 'NOT verified'),
    ...(verification.digest ? entry('Digest', h('code', null, verification.digest)) : []),
    ...(verification.scheme ? entry('Scheme', verification.scheme) : []),
    ...(verification.signer ? entry('Signer', verification.signer) : []),
    ...(verification.policyRule ? entry('Policy rule', verification.policyRule) : []),
    ...(verification.contractDigest
      ? entry('Contract', h('code', null, verification.contractDigest))
      : []),
    ...(verification.message ? entry('Message', verification.message) : []),
  );
}

function childDetails(artifacts: StepArtifacts | undefined): Node[] {
  const condition = artifacts?.condition;
  return [
    h('h4', null, 'Image verification'),
    artifacts?.verification
      ? verificationList(artifacts.verification)
      : h(
          'p',
          null,
          artifacts?.childKind === 'TaskRun'
            ? 'Verified before the PipelineRun was created (the Tekton backend checks every image up front).'
            : 'not recorded yet',
        ),
    condition
      ? h(
          'p',
          null,
          `TaskRun: ${condition.status}${condition.reason ? ` (${condition.reason})` : ''}${condition.message ? `: ${condition.message}` : ''}`,
        )
      : null,
    h('h4', null, 'Log (last lines)'),
    artifacts?.log
      ? [
          h(
            'p',
            { class: 'muted' },
            `pod ${artifacts.log.pod}, container ${artifacts.log.container}`,
          ),
          h('pre', { class: 'log', tabindex: '0' }, artifacts.log.lines.join('\n') || '(empty)'),
        ]
      : h('p', null, 'no log'),
  ];
}

function stepSection(
  run: WorkflowExecution,
  index: number,
  artifacts: StepArtifacts | undefined,
): JSXNode {
  const step = run.spec.steps[index];
  if (!step) return h('div', null);
  const status = run.status?.steps.find((candidate) => candidate.name === step.name);
  return h(
    'section',
    { class: 'step', id: `step-${step.name}`, 'aria-labelledby': `step-${step.name}-title` },
    h(
      'h3',
      { id: `step-${step.name}-title` },
      step.name,
      ' ',
      phaseBadge(status?.phase ?? 'Pending'),
    ),
    h(
      'dl',
      null,
      ...entry('Action', step.actionType),
      ...entry('Image', h('code', null, step.image)),
      ...entry('Runs after', step.runAfter.join(', ') || 'start'),
      ...(artifacts ? entry('Child', `${artifacts.childKind} ${artifacts.childName}`) : []),
    ),
    h('h4', null, 'Inputs'),
    h('pre', null, jsonText(step.inputs)),
    artifacts?.resolvedInputs && jsonText(artifacts.resolvedInputs) !== jsonText(step.inputs)
      ? [h('h4', null, 'Inputs as resolved'), h('pre', null, jsonText(artifacts.resolvedInputs))]
      : null,
    h('h4', null, 'Outputs'),
    status?.outputs ? h('pre', null, jsonText(status.outputs)) : h('p', null, 'none yet'),
    ...childDetails(artifacts),
    artifacts && artifacts.notes.length > 0
      ? h('ul', { class: 'notes' }, ...artifacts.notes.map((note) => h('li', null, note)))
      : null,
  );
}

function alertSection(run: WorkflowExecution): JSXNode | null {
  const source = run.spec.source;
  if (source?.type !== 'alert') return null;
  const { alert } = source;
  const link = safeHttpUrl(alert.generatorURL);
  return h(
    'section',
    { 'aria-labelledby': 'alert-heading' },
    h('h2', { id: 'alert-heading' }, 'Source alert'),
    h(
      'dl',
      null,
      ...entry('Fingerprint', h('code', null, alert.fingerprint)),
      ...entry('Started', timeOf(alert.startsAt)),
      ...(alert.receiver ? entry('Receiver', alert.receiver) : []),
      ...(alert.generatorURL
        ? entry(
            'Generator',
            link
              ? h(
                  'a',
                  { href: link, rel: 'noopener noreferrer', target: '_blank' },
                  'open the alert source (new tab)',
                )
              : h('span', null, 'not an http(s) link: ', h('code', null, alert.generatorURL)),
          )
        : []),
    ),
    mapTable('Labels', alert.labels),
    mapTable('Annotations', alert.annotations),
  );
}

function actionForm(
  run: WorkflowExecution,
  csrfToken: string,
  verb: string,
  label: string,
  extra: { reason?: boolean; key?: string } = {},
): JSXNode {
  const base = runHref(run.metadata.namespace ?? 'default', run.metadata.name ?? '');
  return h(
    'form',
    { method: 'post', action: `${base}/${verb}`, class: `action action-${verb}` },
    csrfInput(csrfToken),
    extra.key ? h('input', { type: 'hidden', name: 'key', value: extra.key }) : null,
    extra.reason
      ? [
          h('label', { for: `${verb}-reason` }, `Reason (optional)`),
          h('input', { id: `${verb}-reason`, name: 'reason', type: 'text', maxlength: 1024 }),
        ]
      : null,
    h('button', { type: 'submit', class: `button-${verb}` }, label),
  );
}

function eventsSection(events: readonly CoreV1Event[]): JSXNode {
  return h(
    'section',
    { 'aria-labelledby': 'events-heading' },
    h('h2', { id: 'events-heading' }, 'Events'),
    events.length === 0
      ? h('p', null, 'No events.')
      : h(
          'ol',
          { class: 'timeline' },
          ...events.map((event) =>
            h(
              'li',
              { class: `event event-${event.type ?? 'Normal'}` },
              timeOf(
                (event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp)?.toISOString(),
              ),
              ' ',
              h('strong', null, event.reason ?? ''),
              event.type === 'Warning' ? ' (warning)' : '',
              (event.count ?? 1) > 1 ? ` ×${String(event.count)}` : '',
              ': ',
              event.message ?? '',
            ),
          ),
        ),
  );
}

export function runPage(options: PageOptions, model: RunPageModel): JSXNode {
  const { run, actions } = model;
  const name = `${run.metadata.namespace ?? 'default'}/${run.metadata.name ?? ''}`;
  const artifactsOf = new Map(model.artifacts.map((artifacts) => [artifacts.step, artifacts]));
  return layout(
    { ...options, title: `Run ${name}`, current: 'runs' },
    h('p', { class: 'breadcrumb' }, h('a', { href: '/ui' }, 'Runs'), ' / ', name),
    h('h1', null, run.metadata.name ?? ''),
    model.notice ? h('p', { role: 'status', class: 'notice' }, model.notice) : null,
    actions.decide || actions.cancel || actions.rerun
      ? h(
          'div',
          { class: 'actions', role: 'group', 'aria-label': 'Run actions' },
          actions.decide
            ? actionForm(run, options.csrfToken, 'approve', 'Approve', { reason: true })
            : null,
          actions.decide
            ? actionForm(run, options.csrfToken, 'reject', 'Reject', { reason: true })
            : null,
          actions.cancel ? actionForm(run, options.csrfToken, 'cancel', 'Cancel run') : null,
          actions.rerun
            ? actionForm(run, options.csrfToken, 'rerun', 'Re-run', { key: model.rerunKey })
            : null,
        )
      : null,
    h('p', { id: 'live-status', class: 'live-status', role: 'status' }, ''),
    h('div', { 'data-live': model.liveUrl }, runLive(run, model.now)),
    alertSection(run),
    h(
      'section',
      { 'aria-labelledby': 'details-heading' },
      h('h2', { id: 'details-heading' }, 'Step details'),
      h(
        'p',
        { class: 'muted' },
        'Inputs, outputs, verification and logs as of loading the page. ',
        h(
          'a',
          { href: runHref(run.metadata.namespace ?? 'default', run.metadata.name ?? '') },
          'Reload',
        ),
      ),
      ...run.spec.steps.map((step, index) => stepSection(run, index, artifactsOf.get(step.name))),
    ),
    eventsSection(model.events),
  );
}
