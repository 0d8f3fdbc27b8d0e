/**
 * Sets values at YAML paths in one file of a checkout, keeping its comments and formatting
 * (only the edited scalars change; other documents of the file stay byte for byte).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ActionError, invalidInput } from '../../../runtime/action-error.ts';
import { defineAction } from '../../../runtime/define-action.ts';
import { setYamlValues } from '../../../lib/git/edit-yaml.ts';
import { checkInside, resolveInWorkspace } from '../../../lib/git/git-inputs.ts';

interface Inputs {
  directory: string;
  file: string;
  values: Record<string, unknown>;
  document: number;
}

export default defineAction<Inputs>(async (context) => {
  const { directory, file, values, document } = context.inputs;
  if (Object.keys(values).length === 0) throw invalidInput('values', 'must set at least one path');
  if (document < 0) throw invalidInput('document', `must be 0 or more, got ${document}`);
  const checkout = resolveInWorkspace(context, 'directory', directory);
  const target = resolveInWorkspace(context, 'file', join(directory, checkInside('file', file)));
  let source: string;
  try {
    source = await readFile(target.hostPath, 'utf8');
  } catch {
    throw new ActionError('NotFound', `file ${file} not found in ${checkout.containerPath}`);
  }
  const edit = setYamlValues(source, values, document);
  if (edit.changed) await writeFile(target.hostPath, edit.text);
  context.log.info(
    { file: target.containerPath, changed: edit.changed, paths: Object.keys(values) },
    'edited',
  );
  return { file: target.containerPath, changed: edit.changed, previous: edit.previous };
});
