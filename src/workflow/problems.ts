/** A validation problem: where it is (a field path such as spec.steps[2].runAfter[0]) and why. */
import type { z } from 'zod';

export interface Problem {
  path: string;
  message: string;
}

/** The result of validating a document: the typed value, or every problem found. */
export type Validated<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

/** Joins path segments the way Kubernetes field errors print them. */
export function fieldPath(base: string, ...segments: (string | number)[]): string {
  let path = base;
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else path += path ? `.${segment}` : segment;
  }
  return path;
}

/** Maps zod issues to problems under a base path, one per issue. */
export function problemsFromZod(error: z.ZodError, base = ''): Problem[] {
  return error.issues.map((issue) => ({
    path: fieldPath(
      base,
      ...issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key)),
    ),
    message: issue.message,
  }));
}

/** One line per problem: `path: message`. */
export function formatProblems(problems: readonly Problem[]): string {
  return problems.map((problem) => `${problem.path || '(root)'}: ${problem.message}`).join('\n');
}
