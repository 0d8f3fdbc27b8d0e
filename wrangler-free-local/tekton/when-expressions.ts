/**
 * Tekton's `when` expressions: a pipeline task runs only if every `input` (after variable
 * substitution) is `in` — or `notin` — its `values`; otherwise it is skipped with reason
 * "When Expressions evaluated to false", and the tasks after it still run.
 */
import { substitute, type Variables } from './substitution.ts';
import type { WhenExpression } from './types.ts';

export function substituteWhen(
  when: readonly WhenExpression[],
  variables: Variables,
): WhenExpression[] {
  return when.map((expression) => ({
    ...expression,
    input: substitute(expression.input, variables),
    values: expression.values.map((value) => substitute(value, variables)),
  }));
}

export function whenAllows(when: readonly WhenExpression[], variables: Variables): boolean {
  return substituteWhen(when, variables).every((expression) => {
    const found = expression.values.includes(expression.input);
    return expression.operator === 'notin' ? !found : found;
  });
}
