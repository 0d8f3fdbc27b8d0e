// Decodes the Kubernetes protobuf wire format ("k8s\0" + runtime.Unknown) into the JSON a
// client would have sent, for the kinds kubectl's generators create (`kubectl create ns`,
// `create configmap|secret|sa|job|deployment`, `kubectl run`). Field tables come from
// k8s.io/api generated.proto; Go's proto2 encoding sends every non-pointer field, so empty
// values are dropped as `omitempty` would. A non-empty field the tables do not know fails
// loudly (415) rather than being lost.

import { PROTO_KINDS, UNKNOWN, type FieldKind, type MessageDesc } from './protobuf-descriptors.ts';
import { newUnsupportedMediaType, type StatusError } from './status-error.ts';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

type Json = Record<string, unknown>;

interface RawField {
  field: number;
  wire: number;
  varint: number;
  bytes: Buffer;
}

function readVarint(buf: Buffer, start: number): [number, number] {
  let result = 0;
  let shift = 0;
  let i = start;
  for (;;) {
    const byte = buf[i++];
    if (byte === undefined) throw new Error('truncated varint');
    result += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [result, i];
  }
}

function readFields(buf: Buffer): RawField[] {
  const fields: RawField[] = [];
  let i = 0;
  while (i < buf.length) {
    const [key, next] = readVarint(buf, i);
    i = next;
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) {
      const [v, after] = readVarint(buf, i);
      i = after;
      fields.push({ field, wire, varint: v, bytes: Buffer.alloc(0) });
    } else if (wire === 2) {
      const [len, after] = readVarint(buf, i);
      fields.push({ field, wire, varint: 0, bytes: buf.subarray(after, after + len) });
      i = after + len;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  return fields;
}

function isEmptyRaw(f: RawField): boolean {
  return f.wire === 0 ? f.varint === 0 : f.bytes.length === 0;
}

function isEmptyValue(v: unknown): boolean {
  if (v === '' || v === 0 || v === false || v === undefined) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && v !== null && Object.keys(v).length === 0;
}

function decodeMapEntry(bytes: Buffer, valueKind: 'string' | 'bytes'): [string, string] {
  let key = '';
  let value = '';
  for (const f of readFields(bytes)) {
    if (f.field === 1) key = f.bytes.toString();
    if (f.field === 2)
      value = valueKind === 'bytes' ? f.bytes.toString('base64') : f.bytes.toString();
  }
  return [key, value];
}

function fail(path: string, field: number): StatusError {
  return newUnsupportedMediaType('application/vnd.kubernetes.protobuf', [
    'application/json',
    `application/yaml (the embedded server cannot decode protobuf field ${field} of ${path}; send JSON)`,
  ]);
}

function decodeValue(
  f: RawField,
  kind: Exclude<FieldKind, 'skip' | { map: 'string' | 'bytes' }>,
  path: string,
): unknown {
  if (kind === 'string') return f.bytes.toString();
  if (kind === 'bytes') return f.bytes.toString('base64');
  if (kind === 'bool') return f.varint !== 0;
  if (kind === 'int') return f.varint > 2 ** 63 ? f.varint - 2 ** 64 : f.varint;
  return decodeMessage(f.bytes, kind.message(), path);
}

function decodeMessage(buf: Buffer, desc: MessageDesc, path: string): Json {
  const out: Json = {};
  for (const f of readFields(buf)) {
    const d = desc.fields[f.field];
    if (d === undefined) {
      if (!isEmptyRaw(f)) throw fail(path, f.field);
      continue;
    }
    const kind = d.kind;
    if (kind === 'skip') continue;
    if (typeof kind === 'object' && 'map' in kind) {
      const [k, v] = decodeMapEntry(f.bytes, kind.map);
      out[d.name] = { ...(out[d.name] as Json | undefined), [k]: v };
      continue;
    }
    const value = decodeValue(f, kind, `${path}.${d.name}`);
    if (d.repeated === true) {
      const list = (out[d.name] as unknown[] | undefined) ?? [];
      list.push(value);
      out[d.name] = list;
    } else if (d.pointer === true || d.keep === true || !isEmptyValue(value)) out[d.name] = value;
  }
  for (const [, d] of Object.entries(desc.fields)) {
    if (
      d.keep === true &&
      out[d.name] === undefined &&
      typeof d.kind === 'object' &&
      'message' in d.kind
    )
      out[d.name] = {};
  }
  return out;
}

/** Whether a body is a Kubernetes protobuf envelope. */
export function isProtobufBody(body: Buffer): boolean {
  return body.length >= 4 && body.subarray(0, 4).equals(MAGIC);
}

/** The JSON object a protobuf request body stands for; 415 for kinds it cannot decode. */
export function decodeProtobufObject(body: Buffer): Json {
  const envelope = decodeMessage(body.subarray(4), UNKNOWN, 'Unknown');
  const typeMeta = (envelope['typeMeta'] ?? {}) as { apiVersion?: string; kind?: string };
  const apiVersion = typeMeta.apiVersion ?? '';
  const kind = typeMeta.kind ?? '';
  const desc = PROTO_KINDS[`${apiVersion}/${kind}`];
  if (desc === undefined) {
    throw newUnsupportedMediaType('application/vnd.kubernetes.protobuf', [
      'application/json',
      `application/yaml (the embedded server decodes protobuf only for ${Object.keys(PROTO_KINDS).join(', ')})`,
    ]);
  }
  const raw = Buffer.from((envelope['raw'] as string | undefined) ?? '', 'base64');
  return { apiVersion, kind, ...decodeMessage(raw, desc, kind) };
}
