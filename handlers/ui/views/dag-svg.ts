/**
 * The workflow's DAG as server-rendered SVG: the pure layout (src/ui/layout-dag.ts) drawn as
 * boxes coloured by phase, each also labelled with its phase in text (colour is never the only
 * signal), the attempt and the duration; `runAfter` edges as arrows. Running steps pulse via
 * CSS, which stops under prefers-reduced-motion. The SVG has a title and a description that
 * reads the graph out for screen readers.
 */
import type { JSXNode } from 'hono/jsx';
import type { StepStatus, WorkflowExecution } from '../../../src/api/workflow-execution.ts';
import { layoutDag, DEFAULT_GEOMETRY } from '../../../src/ui/layout-dag.ts';
import { formatDuration } from '../../../src/ui/summarize-run.ts';
import { h } from './h.ts';

const MAX_LABEL = 22;

function truncate(text: string): string {
  return text.length <= MAX_LABEL ? text : `${text.slice(0, MAX_LABEL - 1)}…`;
}

function stepDuration(step: StepStatus | undefined, now: Date): number | undefined {
  if (!step?.startedAt) return undefined;
  const end = step.completedAt ? Date.parse(step.completedAt) : now.getTime();
  const ms = end - Date.parse(step.startedAt);
  return Number.isFinite(ms) ? Math.max(0, ms) : undefined;
}

export function dagSvg(run: WorkflowExecution, now: Date): JSXNode {
  const layout = layoutDag(run.spec.steps);
  const statusOf = new Map((run.status?.steps ?? []).map((step) => [step.name, step]));
  const { nodeWidth, nodeHeight } = DEFAULT_GEOMETRY;
  const runName = `${run.metadata.namespace ?? 'default'}/${run.metadata.name ?? ''}`;
  const description = run.spec.steps
    .map((step) => {
      const phase = statusOf.get(step.name)?.phase ?? 'Pending';
      const after = step.runAfter.length > 0 ? `, after ${step.runAfter.join(' and ')}` : '';
      return `${step.name}: ${phase}${after}`;
    })
    .join('; ');
  const edges = layout.edges.map((edge) => {
    const middle = (edge.x1 + edge.x2) / 2;
    return h('path', {
      class: 'dag-edge',
      d: `M${String(edge.x1)},${String(edge.y1)} C${String(middle)},${String(edge.y1)} ${String(middle)},${String(edge.y2)} ${String(edge.x2 - 2)},${String(edge.y2)}`,
      'marker-end': 'url(#dag-arrow)',
      'data-from': edge.from,
      'data-to': edge.to,
    });
  });
  const nodes = layout.nodes.map((node) => {
    const status = statusOf.get(node.name);
    const phase = status?.phase ?? 'Pending';
    const attempt = status?.attempt ?? 0;
    const duration = formatDuration(stepDuration(status, now));
    const detail = `${phase}${attempt > 0 ? ` · try ${String(attempt)}` : ''}`;
    return h(
      'g',
      {
        class: `dag-node phase-${phase}`,
        'data-step': node.name,
        'data-phase': phase,
        transform: `translate(${String(node.x)},${String(node.y)})`,
      },
      h(
        'title',
        null,
        `${node.name}: ${phase}, attempt ${String(attempt)}, ${duration}${status?.reason ? `, ${status.reason}` : ''}`,
      ),
      h('rect', { width: nodeWidth, height: nodeHeight, rx: 8, ry: 8 }),
      h('text', { x: 10, y: 22, class: 'dag-name' }, truncate(node.name)),
      h('text', { x: 10, y: 44, class: 'dag-phase' }, detail),
      h('text', { x: 10, y: 62, class: 'dag-time' }, duration),
    );
  });
  return h(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      class: 'dag',
      role: 'img',
      'aria-labelledby': 'dag-title dag-desc',
      viewBox: `0 0 ${String(layout.width)} ${String(layout.height)}`,
      width: layout.width,
      height: layout.height,
    },
    h('title', { id: 'dag-title' }, `Steps of ${runName}`),
    h('desc', { id: 'dag-desc' }, description),
    h(
      'defs',
      null,
      h(
        'marker',
        {
          id: 'dag-arrow',
          viewBox: '0 0 10 10',
          refX: 9,
          refY: 5,
          markerWidth: 8,
          markerHeight: 8,
          orient: 'auto-start-reverse',
        },
        h('path', { d: 'M0,0 L10,5 L0,10 z', class: 'dag-arrowhead' }),
      ),
    ),
    h('g', { class: 'dag-edges' }, ...edges),
    h('g', { class: 'dag-nodes' }, ...nodes),
  );
}
