/**
 * The catalog section of docs/actions.md, generated from the contracts (pure): per action its
 * inputs, outputs, resources and permissions. Only the text between the GENERATED markers is
 * generated; the rest of the page is written by hand.
 */
import type { ActionContract } from '../../api/action-contract.ts';
import { actionServiceAccountName } from '../rbac/render-action-rbac.ts';

export const BEGIN_MARKER =
  '<!-- BEGIN GENERATED: npm run gen (src/actions/docs/render-actions-doc.ts) -->';
export const END_MARKER = '<!-- END GENERATED -->';

export function renderCatalogSection(contracts: readonly ActionContract[]): string {
  const index = [
    '| action | version | what it needs |',
    '| --- | --- | --- |',
    ...contracts.map(
      (contract) =>
        `| [\`${contract.metadata.name}\`](#${anchorOf(contract.metadata.name)}) | ${contract.metadata.version} | ${summarizePermissions(contract)} |`,
    ),
  ];
  return [index.join('\n'), ...contracts.map(renderAction)].join('\n\n');
}

function renderAction(contract: ActionContract): string {
  const { inputs, outputs, resources, permissions } = contract.spec;
  const parts = [`### \`${contract.metadata.name}\``];
  parts.push(
    inputs.length === 0
      ? 'Inputs: none.'
      : table(
          ['input', 'type', 'required', 'default', 'allowed', 'description'],
          inputs.map((input) => [
            code(input.name),
            input.type,
            input.required ? 'yes' : '',
            input.default === undefined ? '' : code(JSON.stringify(input.default)),
            input.enum
              ? input.enum.map((value) => code(JSON.stringify(value))).join(' ')
              : input.pattern
                ? code(input.pattern)
                : '',
            cell(input.description),
          ]),
        ),
  );
  parts.push(
    outputs.length === 0
      ? 'Outputs: none.'
      : table(
          ['output', 'type', 'description'],
          outputs.map((output) => [code(output.name), output.type, cell(output.description)]),
        ),
  );
  parts.push(
    permissions.length === 0
      ? 'Permissions: none (no API token is mounted).'
      : table(
          ['API groups', 'resources', 'verbs'],
          permissions.map((rule) => [
            rule.apiGroups.map((group) => code(group === '' ? 'core' : group)).join(' '),
            rule.resources.map(code).join(' '),
            rule.verbs.join(', '),
          ]),
        ) + `\n\nServiceAccount: \`${actionServiceAccountName(contract.metadata.name)}\``,
  );
  if (resources) parts.push(`Resources: ${code(JSON.stringify(resources))}`);
  return parts.join('\n\n');
}

function summarizePermissions(contract: ActionContract): string {
  const rules = contract.spec.permissions;
  if (rules.length === 0) return 'no API access';
  return rules.map((rule) => `${rule.verbs.join('/')} ${rule.resources.join(', ')}`).join('; ');
}

const table = (header: string[], rows: string[][]): string =>
  [header, header.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n');

const code = (text: string): string => `\`${text.replace(/\|/g, '\\|')}\``;
const cell = (text: string | undefined): string =>
  (text ?? '').replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
const anchorOf = (type: string): string => type.replace(/[^a-z0-9_-]/gi, '').toLowerCase();

/** The page with its generated section replaced; an error when the markers are missing. */
export function replaceGeneratedSection(page: string, section: string): string {
  const begin = page.indexOf(BEGIN_MARKER);
  const end = page.indexOf(END_MARKER);
  if (begin === -1 || end < begin) {
    throw new Error(`docs/actions.md lacks the markers ${BEGIN_MARKER} … ${END_MARKER}`);
  }
  return `${page.slice(0, begin + BEGIN_MARKER.length)}\n\n${section}\n\n${page.slice(end)}`;
}
