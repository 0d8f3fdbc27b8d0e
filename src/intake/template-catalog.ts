/**
 * The RemediationTemplates alerts are matched against, from an informer cache: each template
 * validated and its matchers compiled once per change, the list sorted once per change, so
 * matching an alert costs only the matchers. A template that does not validate is left out
 * and reported (a log line and an Event on it), never half-applied.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  compileTemplate,
  sortTemplates,
  type CompiledTemplate,
} from '../alerts/match-templates.ts';
import { validateRemediationTemplate } from '../alerts/validate-template.ts';
import type { InformerEvent } from '../kube/informer.ts';
import { formatProblems } from '../workflow/problems.ts';

export type InvalidTemplateReporter = (object: KubernetesObject, message: string) => void;

export class TemplateCatalog {
  private readonly compiled = new Map<string, CompiledTemplate>();
  private sorted: CompiledTemplate[] | undefined = [];
  private readonly onInvalid: InvalidTemplateReporter;

  constructor(onInvalid: InvalidTemplateReporter = () => undefined) {
    this.onInvalid = onInvalid;
  }

  /** An informer handler. */
  readonly update = (event: InformerEvent, object: KubernetesObject): void => {
    const key = `${object.metadata?.namespace ?? 'default'}/${object.metadata?.name ?? ''}`;
    this.sorted = undefined;
    if (event === 'delete') {
      this.compiled.delete(key);
      return;
    }
    const compiled = compileObject(object);
    if (typeof compiled === 'string') {
      this.compiled.delete(key);
      this.onInvalid(object, compiled);
      return;
    }
    this.compiled.set(key, compiled);
  };

  /** Every valid template, in matching order. */
  templates(): readonly CompiledTemplate[] {
    this.sorted ??= sortTemplates([...this.compiled.values()]);
    return this.sorted;
  }

  get(key: string): CompiledTemplate | undefined {
    return this.compiled.get(key);
  }
}

/** Validated (defaults filled in) and compiled, or why not. */
export function compileObject(object: unknown): CompiledTemplate | string {
  const validated = validateRemediationTemplate(object);
  if (!validated.ok) return formatProblems(validated.problems).replaceAll('\n', '; ');
  const result = compileTemplate(validated.value);
  return result.ok ? result.compiled : result.error;
}
