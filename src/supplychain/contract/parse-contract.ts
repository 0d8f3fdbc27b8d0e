/** `/action-contract.yaml` text → a typed ActionContract, or an error naming the field. */
import { parse, YAMLParseError } from 'yaml';
import { actionContractSchema, type ActionContract } from '../../api/action-contract.ts';
import { formatProblems, problemsFromZod } from '../../workflow/problems.ts';
import { ContractError } from './contract-error.ts';

export function parseContract(image: string, text: string): ActionContract {
  let document: unknown;
  try {
    document = parse(text, { maxAliasCount: 100 });
  } catch (error) {
    const where =
      error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}` : '';
    throw new ContractError(
      'CONTRACT_INVALID',
      image,
      `/action-contract.yaml is not YAML${where}: ${(error as Error).message.split('\n')[0] ?? ''}`,
    );
  }
  const parsed = actionContractSchema.safeParse(document);
  if (!parsed.success) {
    const problems = formatProblems(problemsFromZod(parsed.error)).replaceAll('\n', '; ');
    throw new ContractError(
      'CONTRACT_INVALID',
      image,
      `/action-contract.yaml is not a valid ActionContract: ${problems}`,
    );
  }
  const invalidPatterns = parsed.data.spec.inputs.flatMap((input, index) => {
    if (input.pattern === undefined) return [];
    try {
      new RegExp(input.pattern, 'u');
      return [];
    } catch {
      return [`spec.inputs[${index}].pattern: "${input.pattern}" is not a regular expression`];
    }
  });
  if (invalidPatterns.length > 0) {
    throw new ContractError(
      'CONTRACT_INVALID',
      image,
      `/action-contract.yaml is not a valid ActionContract: ${invalidPatterns.join('; ')}`,
    );
  }
  return parsed.data;
}
