import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  controllingOwner,
  targetQueryFor,
  type TargetQuery,
} from '../../../src/alerts/alert-target.ts';

const values = (labels: Record<string, string>) => ({
  labels,
  annotations: { note: 'x' },
  params: {},
});

describe('targetQueryFor', () => {
  const cases: [string, string | undefined, Record<string, string>, TargetQuery][] = [
    [
      'a template target with placeholders',
      '{{ labels.namespace }}/Deployment/{{ labels.app }}',
      { namespace: 'shop', app: 'cart' },
      { type: 'fixed', target: 'shop/Deployment/cart' },
    ],
    [
      'a deployment label',
      undefined,
      { namespace: 'shop', deployment: 'cart', pod: 'cart-1' },
      { type: 'fixed', target: 'shop/Deployment/cart' },
    ],
    [
      'a statefulset label',
      undefined,
      { namespace: 'db', statefulset: 'pg' },
      { type: 'fixed', target: 'db/StatefulSet/pg' },
    ],
    [
      'a daemonset label',
      undefined,
      { namespace: 'kube-system', daemonset: 'node-exporter' },
      { type: 'fixed', target: 'kube-system/DaemonSet/node-exporter' },
    ],
    [
      'kube-state-metrics job_name',
      undefined,
      { namespace: 'batch', job_name: 'nightly' },
      { type: 'fixed', target: 'batch/Job/nightly' },
    ],
    [
      'a pod is resolved up its owners',
      undefined,
      { namespace: 'shop', pod: 'cart-5d9f-abcde' },
      { type: 'owner', namespace: 'shop', kind: 'Pod', name: 'cart-5d9f-abcde' },
    ],
    [
      'a replicaset is resolved up its owners',
      undefined,
      { namespace: 'shop', replicaset: 'cart-5d9f' },
      { type: 'owner', namespace: 'shop', kind: 'ReplicaSet', name: 'cart-5d9f' },
    ],
    [
      'a node is cluster-scoped',
      undefined,
      { node: 'worker-1' },
      { type: 'fixed', target: 'Node/worker-1' },
    ],
  ];
  for (const [title, template, labels, expected] of cases) {
    it(title, () => {
      assert.deepEqual(targetQueryFor(template, values(labels)), expected);
    });
  }

  const failures: [string | undefined, Record<string, string>, RegExp][] = [
    [undefined, { pod: 'no-namespace' }, /^no target: the template has no spec.target/],
    [
      '{{ labels.namespace }}/Deployment/x',
      { app: 'a' },
      /spec.target: the alert has no value for \{\{ labels.namespace \}\}/,
    ],
    ['{{ labels.app }}', { app: 'just-a-name' }, /"just-a-name" is not namespace\/Kind\/name/],
  ];
  for (const [template, labels, reason] of failures) {
    it(`no target for ${JSON.stringify(labels)}`, () => {
      const query = targetQueryFor(template, values(labels));
      assert.equal(query.type, 'none');
      assert.match(query.type === 'none' ? query.reason : '', reason);
    });
  }
});

describe('controllingOwner', () => {
  it('follows only the controller reference', () => {
    assert.deepEqual(
      controllingOwner([
        { kind: 'ConfigMap', name: 'x' },
        { kind: 'ReplicaSet', name: 'rs', controller: true },
      ]),
      { kind: 'ReplicaSet', name: 'rs' },
    );
    assert.equal(controllingOwner([{ kind: 'ReplicaSet', name: 'rs' }]), undefined);
    assert.equal(controllingOwner(undefined), undefined);
  });
});
