/** Names of a PipelineRun's children, as Tekton derives them (knative's kmeta.ChildName). */
import { createHash } from 'node:crypto';

/** Tekton's child name: `<parent>-<suffix>`, shortened with a hash past 63 characters. */
export function taskRunName(pipelineRun: string, pipelineTask: string): string {
  return childName(pipelineRun, `-${pipelineTask}`);
}

/**
 * knative's kmeta.ChildName: past 63 characters, the first 31 of the parent and an md5 (of
 * parent and suffix here, so that siblings differ), without a trailing dash.
 */
export function childName(parent: string, suffix: string): string {
  const name = `${parent}${suffix}`;
  if (name.length <= 63) return name;
  const hash = createHash('md5').update(name).digest('hex');
  return `${parent.slice(0, 31)}${hash}`.replace(/-+$/, '');
}
