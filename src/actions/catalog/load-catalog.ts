/**
 * The action catalog on disk: `catalog/<group>/<name>/action-contract.yaml` plus `action.ts`,
 * the contract's `metadata.name` being the action type `<group>/<name>`. The entrypoint, the
 * RBAC and docs generators and the local image registry all read it from here.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { actionContractSchema, type ActionContract } from '../../api/action-contract.ts';
import type { ActionFunction } from '../runtime/define-action.ts';

export const CATALOG_DIR = import.meta.dirname;
export const CONTRACT_FILE = 'action-contract.yaml';
export const MODULE_FILE = 'action.ts';
const TYPE_RE = /^[a-z0-9][a-z0-9-]*\/[a-z0-9][a-z0-9_-]*$/;

export class CatalogError extends Error {
  override readonly name = 'CatalogError';
  /** UnknownType: no such action (a usage error); BadEntry: the catalog entry is broken. */
  readonly code: 'UnknownType' | 'BadEntry';

  constructor(code: CatalogError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

/** The directory of an action type, or a CatalogError naming what is wrong. */
export function actionDirectory(type: string, catalogDir = CATALOG_DIR): string {
  if (!TYPE_RE.test(type)) {
    throw new CatalogError(
      'UnknownType',
      `action type "${type}" is not of the form <group>/<name>`,
    );
  }
  const dir = join(catalogDir, type);
  if (!existsSync(join(dir, CONTRACT_FILE))) {
    throw new CatalogError(
      'UnknownType',
      `action type "${type}" is not in the catalog (${catalogDir})`,
    );
  }
  return dir;
}

export async function loadContract(dir: string): Promise<ActionContract> {
  const file = join(dir, CONTRACT_FILE);
  const parsed = actionContractSchema.safeParse(parse(await readFile(file, 'utf8')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new CatalogError(
      'BadEntry',
      `${file} is not a valid ActionContract: ${problems.join('; ')}`,
    );
  }
  return parsed.data;
}

export async function loadActionModule(dir: string): Promise<ActionFunction<never>> {
  const module = (await import(pathToFileURL(join(dir, MODULE_FILE)).href)) as {
    default?: unknown;
  };
  if (typeof module.default !== 'function') {
    throw new CatalogError(
      'BadEntry',
      `${join(dir, MODULE_FILE)} has no default export of a run function`,
    );
  }
  return module.default as ActionFunction<never>;
}

/** Every action in the catalog with its contract, sorted by type. */
export async function loadCatalogContracts(catalogDir = CATALOG_DIR): Promise<ActionContract[]> {
  const contracts: ActionContract[] = [];
  for (const group of (await readdir(catalogDir, { withFileTypes: true })).filter((e) =>
    e.isDirectory(),
  )) {
    const groupDir = join(catalogDir, group.name);
    for (const action of await readdir(groupDir, { withFileTypes: true })) {
      if (action.isDirectory() && existsSync(join(groupDir, action.name, CONTRACT_FILE))) {
        contracts.push(await loadContract(join(groupDir, action.name)));
      }
    }
  }
  return contracts.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}
