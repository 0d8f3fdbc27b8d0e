/**
 * Validation of a multi-document YAML or JSON text, by kind. Pure: the command reads the
 * files, this says what is wrong with them.
 */
import { parseAllDocuments } from 'yaml';
import { validateRemediationTemplate } from '../alerts/validate-template.ts';
import type { Problem } from '../workflow/problems.ts';
import { validateWorkflowExecution } from '../workflow/validate-workflow-execution.ts';

export interface DocumentReport {
  /** 1-based position of the document in its file. */
  document: number;
  kind?: string;
  name?: string;
  problems: Problem[];
}

const VALIDATORS: Readonly<
  Record<string, (document: unknown) => { ok: boolean; problems?: Problem[] }>
> = {
  WorkflowExecution: validateWorkflowExecution,
  RemediationTemplate: validateRemediationTemplate,
};

export function validateDocuments(text: string): DocumentReport[] {
  const reports: DocumentReport[] = [];
  parseAllDocuments(text).forEach((parsed, index) => {
    const document = index + 1;
    if (parsed.errors.length > 0) {
      const problems = parsed.errors.map((error) => ({
        path: '',
        message: `YAML: ${error.message.split('\n')[0] ?? ''}`,
      }));
      reports.push({ document, problems });
      return;
    }
    const value: unknown = parsed.toJS();
    if (value === null || value === undefined) return; // an empty document, e.g. after a trailing ---
    reports.push(validateOne(value, document));
  });
  return reports;
}

function validateOne(value: unknown, document: number): DocumentReport {
  if (typeof value !== 'object' || Array.isArray(value)) {
    return { document, problems: [{ path: '', message: 'a document must be an object' }] };
  }
  const { kind, metadata } = value as { kind?: unknown; metadata?: { name?: unknown } };
  const name = typeof metadata?.name === 'string' ? metadata.name : undefined;
  const validator = typeof kind === 'string' ? VALIDATORS[kind] : undefined;
  if (!validator) {
    const known = Object.keys(VALIDATORS).join(' or ');
    return {
      document,
      problems: [{ path: 'kind', message: `must be ${known}, not ${JSON.stringify(kind)}` }],
    };
  }
  const result = validator(value);
  return {
    document,
    kind: kind as string,
    ...(name ? { name } : {}),
    problems: result.problems ?? [],
  };
}
