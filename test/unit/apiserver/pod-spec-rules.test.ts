import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parseQuantity,
  validateLease,
  validatePersistentVolumeClaim,
  validatePodSpecDetails,
} from '../../../wrangler-free-local/apiserver/pod-spec-rules.ts';
import { StatusError } from '../../../wrangler-free-local/apiserver/status-error.ts';

describe('parseQuantity', () => {
  const cases: [string | number, number][] = [
    ['1', 1],
    ['500m', 0.5],
    ['1.5', 1.5],
    ['128Mi', 128 * 2 ** 20],
    ['1G', 1e9],
    ['1e3', 1000],
    [2, 2],
  ];
  for (const [text, value] of cases) {
    it(`${String(text)} is ${value}`, () => assert.equal(parseQuantity(text), value));
  }
  for (const bad of ['abc', '1x', '', '--1']) {
    it(`rejects ${JSON.stringify(bad)} with 400`, () =>
      assert.throws(
        () => parseQuantity(bad),
        (err: unknown) => err instanceof StatusError && err.code === 400,
      ));
  }
});

describe('validatePodSpecDetails', () => {
  const container = (extra: Record<string, unknown>): Record<string, unknown> => ({
    name: 'c',
    image: 'i',
    ...extra,
  });
  const cases: [string, Record<string, unknown>, string[]][] = [
    [
      'a valid spec',
      {
        volumes: [{ name: 'ws', persistentVolumeClaim: { claimName: 'run-workspace' } }],
        containers: [
          container({
            env: [{ name: 'ACTION_INPUTS' }],
            volumeMounts: [{ name: 'ws', mountPath: '/workspace' }],
            resources: { requests: { cpu: '100m' }, limits: { cpu: '1' } },
          }),
        ],
      },
      [],
    ],
    [
      'a bad env name',
      { containers: [container({ env: [{ name: '1BAD' }] })] },
      ['spec.containers[0].env[0].name'],
    ],
    [
      'a mount of no volume',
      { containers: [container({ volumeMounts: [{ name: 'ws', mountPath: '/w' }] })] },
      ['spec.containers[0].volumeMounts[0].name'],
    ],
    [
      'a volume without a source',
      { volumes: [{ name: 'v' }], containers: [container({})] },
      ['spec.volumes[0]'],
    ],
    [
      'a claim without a name',
      { volumes: [{ name: 'v', persistentVolumeClaim: {} }], containers: [container({})] },
      ['spec.volumes[0].persistentVolumeClaim.claimName'],
    ],
    [
      'requests above limits',
      {
        containers: [
          container({ resources: { requests: { memory: '2Gi' }, limits: { memory: '1Gi' } } }),
        ],
      },
      ['spec.containers[0].resources.requests'],
    ],
  ];
  for (const [name, spec, fields] of cases) {
    it(name, () =>
      assert.deepEqual(
        validatePodSpecDetails(spec, 'spec').map((c) => c.field),
        fields,
      ),
    );
  }
  it('fails decoding on a malformed limit', () => {
    assert.throws(
      () =>
        validatePodSpecDetails(
          { containers: [container({ resources: { limits: { cpu: 'lots' } } })] },
          'spec',
        ),
      /quantities must match/,
    );
  });
});

describe('PersistentVolumeClaim and Lease rules', () => {
  it('requires access modes and a positive storage request', () => {
    assert.deepEqual(
      validatePersistentVolumeClaim({ spec: {} }).map((c) => c.field),
      ['spec.accessModes', 'spec.resources[storage]'],
    );
    assert.deepEqual(
      validatePersistentVolumeClaim({
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '0' } } },
      }).map((c) => c.field),
      ['spec.resources[storage]'],
    );
    assert.deepEqual(
      validatePersistentVolumeClaim({
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      }),
      [],
    );
  });
  it('requires a positive lease duration', () => {
    assert.equal(
      validateLease({ spec: { leaseDurationSeconds: 0 } })[0]?.field,
      'spec.leaseDurationSeconds',
    );
    assert.deepEqual(
      validateLease({ spec: { leaseDurationSeconds: 15, holderIdentity: 'a' } }),
      [],
    );
  });
});
