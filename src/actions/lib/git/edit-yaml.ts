/**
 * Sets values at paths in a YAML file through the `yaml` package's Document API, so the file
 * keeps its comments, key order, quoting and indentation: only the edited scalars change.
 * Paths read like `spec.template.spec.containers[0].resources.limits.memory`; a key holding
 * dots is written `metadata.annotations["example.com/owner"]`. Pure: text in, text out.
 */
import { isMap, isScalar, isSeq, parseAllDocuments, type Document } from 'yaml';
import { ActionError, invalidInput } from '../../runtime/action-error.ts';

export type YamlPath = (string | number)[];

const SEGMENT = /\.?([^.[\]"]+)|\[(\d+)\]|\["([^"]*)"\]/y;

export function parseYamlPath(text: string): YamlPath {
  const path: YamlPath = [];
  SEGMENT.lastIndex = 0;
  while (SEGMENT.lastIndex < text.length) {
    const at = SEGMENT.lastIndex;
    const match = SEGMENT.exec(text);
    const dotted = text[at] === '.';
    if (match === null || (match[1] !== undefined && at > 0 !== dotted) || (at === 0 && dotted)) {
      throw invalidInput(
        'values',
        `the path ${JSON.stringify(text)} is not of the form a.b[0]["c.d"]`,
      );
    }
    if (match[2] !== undefined) path.push(Number(match[2]));
    else path.push(match[1] ?? match[3] ?? '');
  }
  if (path.length === 0) throw invalidInput('values', 'a path is empty');
  return path;
}

/** Parent collections must exist as maps or sequences; a scalar in the way is an error. */
function checkParents(doc: Document, path: YamlPath, text: string): void {
  for (let i = 1; i < path.length; i++) {
    const node = doc.getIn(path.slice(0, i), true);
    if (node === undefined || node === null) return; // created by setIn
    if (isScalar(node) && node.value !== null)
      throw new ActionError(
        'Failed',
        `${text}: ${path.slice(0, i).join('.')} is a scalar, not a map or list`,
      );
    if (typeof path[i] === 'number' && !isSeq(node) && !isScalar(node))
      throw new ActionError('Failed', `${text}: ${path.slice(0, i).join('.')} is not a list`);
    if (typeof path[i] === 'string' && !isMap(node) && !isScalar(node))
      throw new ActionError('Failed', `${text}: ${path.slice(0, i).join('.')} is not a map`);
  }
}

function plain(node: unknown): unknown {
  if (node === undefined || node === null) return null;
  return isScalar(node) ? node.value : (node as { toJSON(): unknown }).toJSON();
}

export interface YamlEdit {
  text: string;
  changed: boolean;
  /** The value each path held before (null when it did not exist). */
  previous: Record<string, unknown>;
}

export function setYamlValues(
  source: string,
  values: Record<string, unknown>,
  documentIndex: number,
): YamlEdit {
  const docs = parseAllDocuments(source);
  if (!Array.isArray(docs)) throw new ActionError('Failed', 'the file is empty');
  const doc = docs[documentIndex];
  if (doc === undefined)
    throw invalidInput(
      'document',
      `the file has ${docs.length} document(s), no index ${documentIndex}`,
    );
  if (doc.errors.length > 0)
    throw new ActionError('Failed', `the file is not valid YAML: ${doc.errors[0]?.message ?? ''}`);
  const previous: Record<string, unknown> = {};
  let changed = false;
  for (const [text, value] of Object.entries(values)) {
    const path = parseYamlPath(text);
    checkParents(doc, path, text);
    const node: unknown = doc.getIn(path, true);
    previous[text] = plain(node);
    if (JSON.stringify(previous[text]) === JSON.stringify(value)) continue;
    if (isScalar(node) && (value === null || typeof value !== 'object')) {
      node.value = value; // keeps the scalar's comments and quoting style
    } else doc.setIn(path, doc.createNode(value));
    changed = true;
  }
  if (!changed) return { text: source, changed, previous };
  // Only the edited document is re-rendered; the others are kept byte for byte.
  const start = documentIndex === 0 ? 0 : (docs[documentIndex - 1]?.range[2] ?? 0);
  const text = source.slice(0, start) + doc.toString({ lineWidth: 0 }) + source.slice(doc.range[2]);
  return { text, changed, previous };
}
