/**
 * The runs that alerts started, indexed the ways the intake asks: by name (dedup), by
 * template and target (guardrails), by template (storm limit) and by alert fingerprint
 * (cancel on resolve). Fed by the runs informer, so it holds what the API server holds and
 * survives restarts; a run this replica just created is remembered at once, before its watch
 * event arrives, so the next alert of the same request already sees it.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { RunFacts } from '../alerts/guardrails.ts';
import { ALERT_FINGERPRINT_LABEL, TARGET_HASH_LABEL, TEMPLATE_LABEL } from '../api/labels.ts';
import type { WorkflowExecution } from '../api/workflow-execution.ts';
import type { InformerEvent } from '../kube/informer.ts';
import { SortedTimes } from './sorted-times.ts';

const keyOf = (namespace: string, name: string): string => `${namespace}/${name}`;

export class RunIndex {
  private readonly runs = new Map<string, WorkflowExecution>();
  private readonly byTarget = new Map<string, Set<string>>();
  private readonly byTemplate = new Map<string, Set<string>>();
  private readonly byFingerprint = new Map<string, Set<string>>();
  private readonly createdMs = new Map<string, number>();
  /** Creation times per `namespace/template`, for the storm limit's windowed count. */
  private readonly templateTimes = new Map<string, SortedTimes>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /** An informer handler. */
  readonly update = (event: InformerEvent, object: KubernetesObject): void => {
    const run = object as WorkflowExecution;
    if (event === 'delete') this.remove(run);
    else this.upsert(run);
  };

  /** A run this replica created: known now, replaced by the informer's copy later. */
  remember(run: WorkflowExecution): void {
    const known = this.runs.get(keyOf(run.metadata.namespace ?? '', run.metadata.name ?? ''));
    if (!known) this.upsert(run);
  }

  has(namespace: string, name: string): boolean {
    return this.runs.has(keyOf(namespace, name));
  }

  get(namespace: string, name: string): WorkflowExecution | undefined {
    return this.runs.get(keyOf(namespace, name));
  }

  targetRuns(namespace: string, template: string, targetHash: string): RunFacts[] {
    return this.collect(this.byTarget, `${namespace}/${template}/${targetHash}`).map((run) =>
      this.factsOf(run),
    );
  }

  /**
   * How many runs of a template were created in (afterMs, upToMs]: the storm limit asks for
   * every alert, so it is two binary searches, not a scan of every run the template started.
   */
  templateCreationsBetween(
    namespace: string,
    template: string,
    afterMs: number,
    upToMs: number,
  ): number {
    return this.templateTimes.get(`${namespace}/${template}`)?.countBetween(afterMs, upToMs) ?? 0;
  }

  /** Every creation time of a template's runs, oldest first (tests and diagnostics). */
  templateCreationsMs(namespace: string, template: string): readonly number[] {
    return this.templateTimes.get(`${namespace}/${template}`)?.values() ?? [];
  }

  withFingerprint(fingerprint: string): WorkflowExecution[] {
    return this.collect(this.byFingerprint, fingerprint.slice(0, 63));
  }

  private factsOf(run: WorkflowExecution): RunFacts {
    const key = keyOf(run.metadata.namespace ?? '', run.metadata.name ?? '');
    const completed = Date.parse(run.status?.completedAt ?? '');
    return {
      name: run.metadata.name ?? '',
      ...(run.status?.phase === undefined ? {} : { phase: run.status.phase }),
      createdAtMs: this.createdMs.get(key) ?? this.now(),
      ...(Number.isFinite(completed) ? { completedAtMs: completed } : {}),
    };
  }

  private collect(index: Map<string, Set<string>>, key: string): WorkflowExecution[] {
    const runs: WorkflowExecution[] = [];
    for (const runKey of index.get(key) ?? []) {
      const run = this.runs.get(runKey);
      if (run) runs.push(run);
    }
    return runs;
  }

  private upsert(run: WorkflowExecution): void {
    const key = keyOf(run.metadata.namespace ?? '', run.metadata.name ?? '');
    const previous = this.runs.get(key);
    // Most updates are status writes: the indexes stay as they are, only the copy changes.
    if (previous && this.sameIndexing(previous, run)) {
      this.runs.set(key, run);
      return;
    }
    this.remove(run);
    this.runs.set(key, run);
    const parsed = Date.parse(run.metadata.creationTimestamp ?? '');
    // Remembered before the API's copy arrives: created just now.
    const created = Number.isFinite(parsed) ? parsed : this.now();
    this.createdMs.set(key, created);
    for (const [index, indexKey] of this.indexKeys(run)) add(index, indexKey, key);
    const template = this.templateKeyOf(run);
    if (template !== undefined) {
      let times = this.templateTimes.get(template);
      if (!times) this.templateTimes.set(template, (times = new SortedTimes()));
      times.add(created);
    }
  }

  private remove(run: WorkflowExecution): void {
    const key = keyOf(run.metadata.namespace ?? '', run.metadata.name ?? '');
    const previous = this.runs.get(key);
    if (!previous) return;
    this.runs.delete(key);
    const template = this.templateKeyOf(previous);
    const created = this.createdMs.get(key);
    if (template !== undefined && created !== undefined) {
      const times = this.templateTimes.get(template);
      times?.delete(created);
      if (times?.size === 0) this.templateTimes.delete(template);
    }
    this.createdMs.delete(key);
    for (const [index, indexKey] of this.indexKeys(previous)) {
      const set = index.get(indexKey);
      set?.delete(key);
      if (set?.size === 0) index.delete(indexKey);
    }
  }

  /** Whether two copies of a run sit in the same index entries, created at the same time. */
  private sameIndexing(a: WorkflowExecution, b: WorkflowExecution): boolean {
    const created = a.metadata.creationTimestamp;
    if (created === undefined || created !== b.metadata.creationTimestamp) return false;
    const keysA = this.indexKeys(a);
    const keysB = this.indexKeys(b);
    return (
      keysA.length === keysB.length &&
      keysA.every(([index, key], at) => keysB[at]?.[0] === index && keysB[at][1] === key)
    );
  }

  private templateKeyOf(run: WorkflowExecution): string | undefined {
    const template = run.metadata.labels?.[TEMPLATE_LABEL];
    return template === undefined ? undefined : `${run.metadata.namespace ?? ''}/${template}`;
  }

  private indexKeys(run: WorkflowExecution): [Map<string, Set<string>>, string][] {
    const labels = run.metadata.labels ?? {};
    const namespace = run.metadata.namespace ?? '';
    const template = labels[TEMPLATE_LABEL];
    const target = labels[TARGET_HASH_LABEL];
    const fingerprint = labels[ALERT_FINGERPRINT_LABEL];
    const keys: [Map<string, Set<string>>, string][] = [];
    if (template !== undefined) {
      keys.push([this.byTemplate, `${namespace}/${template}`]);
      if (target !== undefined) keys.push([this.byTarget, `${namespace}/${template}/${target}`]);
    }
    if (fingerprint !== undefined) keys.push([this.byFingerprint, fingerprint]);
    return keys;
  }
}

function add(index: Map<string, Set<string>>, indexKey: string, key: string): void {
  let set = index.get(indexKey);
  if (!set) {
    set = new Set();
    index.set(indexKey, set);
  }
  set.add(key);
}
