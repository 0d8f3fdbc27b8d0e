import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionExecutionSchema } from '../../../src/api/action-execution.ts';
import { actionContractSchema } from '../../../src/api/action-contract.ts';
import { buildJob, imageByDigest } from '../../../src/backends/jobs/build-job.ts';

const DIGEST = `sha256:${'c'.repeat(64)}`;
const action = (spec: Record<string, unknown> = {}) =>
  actionExecutionSchema.parse({
    apiVersion: 'kubernaut.ai/v1alpha1',
    kind: 'ActionExecution',
    metadata: { name: 'oom-fix-scale-1', namespace: 'payments', uid: 'ae-uid' },
    spec: {
      workflowRef: { name: 'oom-fix', uid: 'run-uid' },
      step: 'scale',
      attempt: 1,
      actionType: 'kubernetes/scale',
      image: `ghcr.io/k/scale:v1@${DIGEST}`,
      inputs: { replicas: 3, note: '$(rm -rf /)' },
      ...spec,
    },
  });
const options = {
  digest: DIGEST,
  ttlSecondsAfterFinished: 600,
  defaultServiceAccountName: 'kubernaut-action',
};

describe('buildJob', () => {
  const job = buildJob(
    action({ timeout: '90s', workspace: { claimName: 'oom-fix-workspace' } }),
    options,
  );
  const pod = job.spec?.template.spec;
  const container = pod?.containers[0];

  it('runs exactly the verified digest, once per attempt, within the step timeout', () => {
    assert.equal(container?.image, `ghcr.io/k/scale@${DIGEST}`);
    assert.equal(job.spec?.backoffLimit, 0);
    assert.equal(job.spec?.activeDeadlineSeconds, 90);
    assert.equal(job.spec?.ttlSecondsAfterFinished, 600);
    assert.equal(job.metadata?.name, 'oom-fix-scale-1');
    assert.deepEqual(job.metadata?.ownerReferences?.[0], {
      apiVersion: 'kubernaut.ai/v1alpha1',
      kind: 'ActionExecution',
      name: 'oom-fix-scale-1',
      uid: 'ae-uid',
      controller: true,
      blockOwnerDeletion: true,
    });
  });

  it('passes inputs as JSON in ACTION_INPUTS, never through a shell', () => {
    const inputs = container?.env?.find((variable) => variable.name === 'ACTION_INPUTS')?.value;
    assert.deepEqual(JSON.parse(inputs ?? ''), { replicas: 3, note: '$(rm -rf /)' });
    assert.equal(container?.command, undefined);
    assert.equal(container?.args, undefined);
  });

  it('hardens the pod and gives it no API token by default', () => {
    assert.equal(pod?.automountServiceAccountToken, false);
    assert.equal(pod?.securityContext?.runAsNonRoot, true);
    assert.equal(pod?.securityContext?.seccompProfile?.type, 'RuntimeDefault');
    assert.equal(container?.securityContext?.allowPrivilegeEscalation, false);
    assert.equal(container?.securityContext?.readOnlyRootFilesystem, true);
    assert.deepEqual(container?.securityContext?.capabilities?.drop, ['ALL']);
    assert.equal(pod?.restartPolicy, 'Never');
  });

  it('mounts the workspace claim at /workspace and a writable /tmp', () => {
    assert.deepEqual(
      container?.volumeMounts?.map((mount) => mount.mountPath),
      ['/tmp', '/workspace'],
    );
    assert.equal(
      pod?.volumes?.find((volume) => volume.name === 'workspace')?.persistentVolumeClaim?.claimName,
      'oom-fix-workspace',
    );
  });

  it('labels the Job and its pod with the run, step, attempt and ActionExecution', () => {
    assert.deepEqual(job.spec?.template.metadata?.labels, {
      'app.kubernetes.io/managed-by': 'kubernaut-dispatcher',
      'kubernaut.ai/run-uid': 'run-uid',
      'kubernaut.ai/step': 'scale',
      'kubernaut.ai/attempt': '1',
      'kubernaut.ai/action-execution': 'oom-fix-scale-1',
    });
  });

  it('takes resources and API access from the contract', () => {
    const contract = actionContractSchema.parse({
      apiVersion: 'kubernaut.ai/v1alpha1',
      kind: 'ActionContract',
      metadata: { name: 'scale', version: 'v1' },
      spec: {
        resources: { requests: { cpu: '100m', memory: 128 } },
        permissions: [{ apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['patch'] }],
      },
    });
    const withContract = buildJob(action(), { ...options, contract });
    assert.equal(withContract.spec?.template.spec?.automountServiceAccountToken, true);
    assert.deepEqual(withContract.spec?.template.spec?.containers[0]?.resources, {
      requests: { cpu: '100m', memory: '128' },
    });
    assert.equal(
      withContract.spec?.activeDeadlineSeconds,
      undefined,
      'no step timeout, no deadline',
    );
  });
});

describe('imageByDigest', () => {
  const cases: [string, string][] = [
    [`ghcr.io/k/scale:v1@${DIGEST}`, `ghcr.io/k/scale@${DIGEST}`],
    [`localhost:5000/k/scale@${DIGEST}`, `localhost:5000/k/scale@${DIGEST}`],
    [`localhost:5000/k/scale:v2@${DIGEST}`, `localhost:5000/k/scale@${DIGEST}`],
  ];
  for (const [image, expected] of cases)
    it(`${image} → ${expected}`, () => assert.equal(imageByDigest(image, DIGEST), expected));
});
