import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  decodeProtobufObject,
  isProtobufBody,
} from '../../../wrangler-free-local/apiserver/protobuf-reader.ts';
import { StatusError } from '../../../wrangler-free-local/apiserver/status-error.ts';

/** Request bodies captured from kubectl 1.32 (`kubectl create ...`). */
function readFixture(name: string): Buffer {
  return readFileSync(join(import.meta.dirname, 'protobuf-fixtures', `${name}.bin`));
}

function encodeVarint(n: number): Buffer {
  const bytes: number[] = [];
  let v = n;
  while (v >= 0x80) {
    bytes.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

function encodeField(field: number, payload: Buffer): Buffer {
  return Buffer.concat([encodeVarint(field * 8 + 2), encodeVarint(payload.length), payload]);
}

function encodeVarintField(field: number, value: number): Buffer {
  return Buffer.concat([encodeVarint(field * 8), encodeVarint(value)]);
}

describe('decodeProtobufObject', () => {
  const cases: [string, Record<string, unknown>][] = [
    [
      'kubectl-create-namespace',
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'foo' } },
    ],
    [
      'kubectl-create-configmap',
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c1' }, data: { a: 'b', c: 'd' } },
    ],
    [
      'kubectl-create-secret',
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 's1' },
        data: { a: 'Yg==' },
        type: 'my/type',
      },
    ],
    [
      'kubectl-create-job',
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'j1' },
        spec: {
          template: {
            spec: {
              containers: [
                { name: 'j1', image: 'busybox:1', command: ['sh', '-c', 'echo hi'], resources: {} },
              ],
              restartPolicy: 'Never',
            },
          },
        },
      },
    ],
    [
      'kubectl-create-deployment',
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'd1', labels: { app: 'd1' } },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'd1' } },
          template: {
            metadata: { labels: { app: 'd1' } },
            spec: {
              containers: [
                { name: 'nginx', image: 'nginx:1', ports: [{ containerPort: 80 }], resources: {} },
              ],
            },
          },
        },
      },
    ],
  ];
  for (const [name, expected] of cases) {
    it(`decodes ${name}`, () => {
      const body = readFixture(name);
      assert.equal(isProtobufBody(body), true);
      assert.deepEqual(decodeProtobufObject(body), expected);
    });
  }

  it('refuses a kind it has no field table for, and unknown non-empty fields', () => {
    const body = readFixture('kubectl-create-namespace');
    const renamed = Buffer.from(
      body.toString('latin1').replace('Namespace', 'Namespacx'),
      'latin1',
    );
    assert.throws(
      () => decodeProtobufObject(renamed),
      (err: unknown) => err instanceof StatusError && err.code === 415,
    );
    assert.equal(isProtobufBody(Buffer.from('{"kind":"x"}')), false);
    // A ConfigMap with field 99 set: no field table knows it, so decoding must refuse.
    const raw = Buffer.concat([
      encodeField(1, encodeField(1, Buffer.from('c1'))),
      encodeVarintField(99, 1),
    ]);
    const typeMeta = Buffer.concat([
      encodeField(1, Buffer.from('v1')),
      encodeField(2, Buffer.from('ConfigMap')),
    ]);
    const envelope = Buffer.concat([
      Buffer.from([0x6b, 0x38, 0x73, 0]),
      encodeField(1, typeMeta),
      encodeField(2, raw),
    ]);
    assert.throws(() => decodeProtobufObject(envelope), /protobuf field 99 of ConfigMap/);
    const known = Buffer.concat([
      Buffer.from([0x6b, 0x38, 0x73, 0]),
      encodeField(1, typeMeta),
      encodeField(2, raw.subarray(0, 6)),
    ]);
    assert.deepEqual(decodeProtobufObject(known), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c1' },
    });
  });
});
