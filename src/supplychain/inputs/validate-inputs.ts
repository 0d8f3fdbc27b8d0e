/**
 * A step's inputs against its action's contract, after placeholders and output references are
 * resolved: required inputs present, types (with exact string spellings converted), enums,
 * patterns (full match), defaults filled in, and only declared inputs passed on (an allowlist:
 * an undeclared parameter never reaches the container). Every problem at once, each naming
 * the input. Pure.
 */
import type { ActionContract, ContractInput } from '../../api/action-contract.ts';
import { fieldPath, type Problem, type Validated } from '../../workflow/problems.ts';
import { checkConstraints, coerceToType, describeValue, withArticle } from './value-types.ts';

export function validateInputs(
  inputs: Readonly<Record<string, unknown>> | undefined,
  contract: ActionContract,
  base = 'inputs',
): Validated<Record<string, unknown>> {
  const given = inputs ?? {};
  const declared = new Map(contract.spec.inputs.map((input) => [input.name, input]));
  const problems: Problem[] = [];
  const value: Record<string, unknown> = {};
  for (const name of Object.keys(given)) {
    if (!declared.has(name)) {
      problems.push({
        path: fieldPath(base, name),
        message: `is not an input of ${contractName(contract)} (it declares: ${listNames(contract)})`,
      });
    }
  }
  for (const input of contract.spec.inputs) {
    const raw = given[input.name];
    // YAML's `key:` is null: the same as leaving the input out.
    if (raw === undefined || raw === null) {
      if (input.default !== undefined) {
        const checked = checkValue(input.default, input);
        if (typeof checked === 'string')
          problems.push({
            path: fieldPath(base, input.name),
            message: `the contract's default is invalid: ${checked}`,
          });
        else value[input.name] = checked.value;
      } else if (input.required) {
        problems.push({
          path: fieldPath(base, input.name),
          message: `is required by ${contractName(contract)} and missing`,
        });
      }
      continue;
    }
    const checked = checkValue(raw, input);
    if (typeof checked === 'string')
      problems.push({ path: fieldPath(base, input.name), message: checked });
    else value[input.name] = checked.value;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value };
}

/** The value converted to the input's type and within its constraints, or why not. */
export function checkValue(
  raw: unknown,
  input: Pick<ContractInput, 'type' | 'enum' | 'pattern'>,
): { value: unknown } | string {
  const typed = coerceToType(raw, input.type);
  if (!typed) return `must be ${withArticle(input.type)}, not ${describeValue(raw)}`;
  return checkConstraints(typed.value, input) ?? typed;
}

export function contractName(contract: ActionContract): string {
  return `the contract of ${contract.metadata.name}@${contract.metadata.version}`;
}

function listNames(contract: ActionContract): string {
  return contract.spec.inputs.map((input) => input.name).join(', ') || 'none';
}
