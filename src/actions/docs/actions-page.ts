/**
 * docs/actions.md with its catalog section regenerated and the page formatted as
 * `npm run lint` wants it, so the generator's output and the committed page can be compared.
 */
import { format, resolveConfig } from 'prettier';
import type { ActionContract } from '../../api/action-contract.ts';
import { renderCatalogSection, replaceGeneratedSection } from './render-actions-doc.ts';

export async function renderActionsPage(
  path: string,
  page: string,
  contracts: readonly ActionContract[],
): Promise<string> {
  const text = replaceGeneratedSection(page, renderCatalogSection(contracts));
  const options = (await resolveConfig(path)) ?? {};
  return format(text, { ...options, filepath: path });
}
