// The three patch types the API server accepts: JSON merge patch (RFC 7386), JSON patch
// (RFC 6902) and a strategic merge patch for built-in kinds (lists merged by their
// patchMergeKey, `$patch` / `$setElementOrder` / `$retainKeys` / `$deleteFromPrimitiveList`
// directives). Pure functions; they never mutate their inputs.

export class PatchError extends Error {}

type Json = unknown;
type JsonMap = Record<string, unknown>;

function isMap(v: Json): v is JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `removeKey(obj, key)` for computed keys. */
export function removeKey(obj: object, key: string): void {
  Reflect.deleteProperty(obj, key);
}

export function cloneJson<T>(v: T): T {
  return structuredClone(v);
}

export function applyMergePatch(target: Json, patch: Json): Json {
  if (!isMap(patch)) return cloneJson(patch);
  const result: JsonMap = isMap(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) removeKey(result, key);
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

function decodePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PatchError(`invalid JSON pointer "${pointer}"`);
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function readPointer(doc: Json, path: string[]): Json {
  let current = doc;
  for (const part of path) {
    if (Array.isArray(current)) current = current[Number(part)];
    else if (isMap(current)) current = current[part];
    else return undefined;
  }
  return current;
}

function parentOf(doc: Json, path: string[], op: string): { parent: Json; key: string } {
  const parent = readPointer(doc, path.slice(0, -1));
  const key = path[path.length - 1];
  if (key === undefined || (!isMap(parent) && !Array.isArray(parent))) {
    throw new PatchError(`${op} operation does not apply: doc is missing path: /${path.join('/')}`);
  }
  return { parent, key };
}

function arrayIndex(arr: unknown[], key: string, allowEnd: boolean): number {
  if (key === '-' && allowEnd) return arr.length;
  const i = Number(key);
  if (!/^\d+$/.test(key) || i > arr.length || (!allowEnd && i === arr.length)) {
    throw new PatchError(`Unable to access invalid index: ${key}`);
  }
  return i;
}

function addAt(doc: Json, path: string[], value: Json): Json {
  if (path.length === 0) return value;
  const { parent, key } = parentOf(doc, path, 'add');
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true), 0, value);
  else (parent as JsonMap)[key] = value;
  return doc;
}

function removeAt(doc: Json, path: string[]): Json {
  const { parent, key } = parentOf(doc, path, 'remove');
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, false), 1);
  else {
    if (!Object.hasOwn(parent as JsonMap, key)) {
      throw new PatchError(
        `remove operation does not apply: doc is missing path: /${path.join('/')}`,
      );
    }
    removeKey(parent as JsonMap, key);
  }
  return doc;
}

interface JsonPatchOp {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

export function applyJsonPatch(target: Json, ops: Json): Json {
  if (!Array.isArray(ops)) throw new PatchError('json patch must be an array of operations');
  let doc = cloneJson(target);
  for (const raw of ops as JsonPatchOp[]) {
    const path = decodePointer(raw.path);
    switch (raw.op) {
      case 'add':
        doc = addAt(doc, path, cloneJson(raw.value));
        break;
      case 'remove':
        doc = removeAt(doc, path);
        break;
      case 'replace':
        if (readPointer(doc, path) === undefined) {
          throw new PatchError(`replace operation does not apply: doc is missing key: ${raw.path}`);
        }
        doc =
          path.length === 0
            ? cloneJson(raw.value)
            : addAt(removeAt(doc, path), path, cloneJson(raw.value));
        break;
      case 'move':
      case 'copy': {
        const from = decodePointer(raw.from ?? '');
        const value = cloneJson(readPointer(doc, from));
        if (value === undefined)
          throw new PatchError(
            `${raw.op} operation does not apply: doc is missing from path: ${raw.from ?? ''}`,
          );
        if (raw.op === 'move') doc = removeAt(doc, from);
        doc = addAt(doc, path, value);
        break;
      }
      case 'test':
        if (JSON.stringify(readPointer(doc, path)) !== JSON.stringify(raw.value)) {
          throw new PatchError(`testing value ${raw.path} failed`);
        }
        break;
      default:
        throw new PatchError(`Unexpected kind: ${raw.op}`);
    }
  }
  return doc;
}

/** patchMergeKey of the built-in list fields, by field name (as k8s.io/api tags them). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
  ownerReferences: 'uid',
  conditions: 'type',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
};
/** Primitive lists with patchStrategy merge. */
const MERGE_PRIMITIVE_LISTS = new Set(['finalizers']);

function mergeList(field: string, target: unknown[], patch: unknown[]): unknown[] {
  const key = MERGE_KEYS[field];
  if (MERGE_PRIMITIVE_LISTS.has(field)) {
    return [...target, ...patch.filter((p) => !target.includes(p))];
  }
  if (key === undefined)
    return cloneJson(patch.filter((p) => !(isMap(p) && p['$patch'] !== undefined)));
  if (patch.some((p) => isMap(p) && p['$patch'] === 'replace')) {
    return cloneJson(patch.filter((p) => !(isMap(p) && p['$patch'] === 'replace')));
  }
  const result = [...target];
  for (const item of patch) {
    if (!isMap(item)) continue;
    const index = result.findIndex((t) => isMap(t) && t[key] === item[key]);
    if (item['$patch'] === 'delete') {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) result[index] = applyStrategicMergePatch(result[index], item);
    else result.push(applyStrategicMergePatch({}, item));
  }
  return result;
}

function orderBy(list: unknown[], order: unknown[], key: string | undefined): unknown[] {
  const keyOf = (v: unknown): unknown => (key !== undefined && isMap(v) ? v[key] : v);
  const orderKeys = order.map((o) => keyOf(o));
  const known = list.filter((v) => orderKeys.includes(keyOf(v)));
  known.sort((a, b) => orderKeys.indexOf(keyOf(a)) - orderKeys.indexOf(keyOf(b)));
  return [...known, ...list.filter((v) => !orderKeys.includes(keyOf(v)))];
}

function applyDirectives(result: JsonMap, patch: JsonMap): void {
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$deleteFromPrimitiveList/') && Array.isArray(value)) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const current = result[field];
      if (Array.isArray(current)) result[field] = current.filter((v) => !value.includes(v));
    } else if (key.startsWith('$setElementOrder/') && Array.isArray(value)) {
      const field = key.slice('$setElementOrder/'.length);
      const current = result[field];
      if (Array.isArray(current)) result[field] = orderBy(current, value, MERGE_KEYS[field]);
    } else if (key === '$retainKeys' && Array.isArray(value)) {
      for (const k of Object.keys(result)) if (!value.includes(k)) removeKey(result, k);
    }
  }
}

export function applyStrategicMergePatch(target: Json, patch: Json): Json {
  if (!isMap(patch)) return cloneJson(patch);
  if (patch['$patch'] === 'delete') return undefined;
  if (patch['$patch'] === 'replace') {
    const rest = cloneJson(patch);
    removeKey(rest, '$patch');
    return rest;
  }
  const result: JsonMap = isMap(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) continue;
    if (value === null) removeKey(result, key);
    else if (Array.isArray(value)) {
      const current = result[key];
      result[key] = mergeList(key, Array.isArray(current) ? current : [], value);
    } else {
      const merged = applyStrategicMergePatch(result[key], value);
      if (merged === undefined) removeKey(result, key);
      else result[key] = merged;
    }
  }
  applyDirectives(result, patch);
  return result;
}
