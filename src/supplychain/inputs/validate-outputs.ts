/**
 * A finished step's outputs against its contract: each declared output, when present, must
 * have its declared type; undeclared outputs are refused, so that later steps only ever see
 * what the contract promised. Outputs are not converted: an action writes JSON of its own.
 */
import type { ActionContract } from '../../api/action-contract.ts';
import { fieldPath, type Problem, type Validated } from '../../workflow/problems.ts';
import { contractName } from './validate-inputs.ts';
import { HAS_TYPE, describeValue, withArticle } from './value-types.ts';

export function validateOutputs(
  outputs: Readonly<Record<string, unknown>> | undefined,
  contract: ActionContract,
  base = 'outputs',
): Validated<Record<string, unknown>> {
  const declared = new Map(contract.spec.outputs.map((output) => [output.name, output]));
  const problems: Problem[] = [];
  for (const [name, value] of Object.entries(outputs ?? {})) {
    const output = declared.get(name);
    if (!output) {
      const names = contract.spec.outputs.map((item) => item.name).join(', ') || 'none';
      problems.push({
        path: fieldPath(base, name),
        message: `is not an output of ${contractName(contract)} (it declares: ${names})`,
      });
    } else if (!HAS_TYPE[output.type](value)) {
      problems.push({
        path: fieldPath(base, name),
        message: `must be ${withArticle(output.type)}, not ${describeValue(value)}`,
      });
    }
  }
  return problems.length > 0
    ? { ok: false, problems }
    : { ok: true, value: { ...(outputs ?? {}) } };
}
