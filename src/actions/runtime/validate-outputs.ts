/**
 * Checks an action's outputs against its contract (pure): an output the contract does not
 * declare, or of another type, is a defect of the action, caught before a later step reads it.
 */
import type { ActionContract } from '../../api/action-contract.ts';
import { valueTypeOf } from './validate-inputs.ts';

export function validateOutputs(
  contract: ActionContract,
  outputs: Record<string, unknown>,
): string[] {
  const declared = new Map(contract.spec.outputs.map((output) => [output.name, output.type]));
  return Object.entries(outputs).flatMap(([name, value]) => {
    const type = declared.get(name);
    if (type === undefined) return [`outputs.${name}: not declared by the contract`];
    const actual = valueTypeOf(value);
    const fits = actual === type || (type === 'number' && actual === 'integer');
    return fits ? [] : [`outputs.${name}: declared ${type}, got ${actual}`];
  });
}
