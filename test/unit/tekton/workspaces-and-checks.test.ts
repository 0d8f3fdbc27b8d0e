import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  checkPipelineRun,
  referencedTasks,
} from '../../../wrangler-free-local/tekton/pipeline-run-checks.ts';
import type { PipelineRun, PipelineSpec } from '../../../wrangler-free-local/tekton/types.ts';
import {
  bindForTask,
  claimNameOf,
  claimsFor,
  volumeOf,
} from '../../../wrangler-free-local/tekton/workspaces.ts';

const template = { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'] } } };

describe('workspaces', () => {
  it('names a volumeClaimTemplate PVC as Tekton does: pvc-<sha256(workspace + owner uid)[:10]>', () => {
    const hash = createHash('sha256').update('wsuid-1').digest('hex').slice(0, 10);
    assert.equal(claimNameOf({ name: 'ws', ...template }, 'uid-1'), `pvc-${hash}`);
    assert.match(
      claimNameOf(
        { name: 'ws', volumeClaimTemplate: { metadata: { name: 'data' }, spec: {} } },
        'u',
      ),
      /^data-[0-9a-f]{10}$/,
    );
    const [claim] = claimsFor(
      [
        { name: 'ws', ...template },
        { name: 'e', emptyDir: {} },
      ],
      'uid-1',
      'ns',
    );
    assert.equal(claim?.metadata?.name, `pvc-${hash}`);
    assert.equal(claim?.metadata?.namespace, 'ns');
    assert.deepEqual(claim?.spec, template.volumeClaimTemplate.spec);
  });

  it("binds a pipeline task's workspace to the run's binding, joining subPaths", () => {
    const run = [
      { name: 'ws', subPath: 'a', ...template },
      { name: 'scratch', emptyDir: {} },
    ];
    const bound = bindForTask(run, { name: 'src', workspace: 'ws', subPath: 'b' }, 'uid-1');
    assert.equal(bound?.name, 'src');
    assert.equal(bound?.subPath, 'a/b');
    assert.equal(bound?.persistentVolumeClaim?.claimName, claimNameOf({ name: 'ws' }, 'uid-1'));
    assert.equal(bound?.volumeClaimTemplate, undefined);
    assert.deepEqual(bindForTask(run, { name: 'scratch' }, 'u'), { name: 'scratch', emptyDir: {} });
    assert.equal(bindForTask(run, { name: 'x', workspace: 'missing' }, 'u'), undefined);
  });

  it('turns a binding into a pod volume', () => {
    assert.deepEqual(volumeOf({ name: 'w', persistentVolumeClaim: { claimName: 'c' } }, 'u'), {
      name: 'ws-w',
      persistentVolumeClaim: { claimName: 'c' },
    });
    assert.deepEqual(volumeOf({ name: 'w', emptyDir: {} }, 'u'), { name: 'ws-w', emptyDir: {} });
    assert.equal(volumeOf({ name: 'w' }, 'u'), undefined);
  });
});

describe('checks before a PipelineRun starts', () => {
  const spec: PipelineSpec = {
    params: [{ name: 'needed' }, { name: 'optional', default: 'x' }],
    workspaces: [{ name: 'ws' }, { name: 'maybe', optional: true }],
    tasks: [{ name: 'a', taskRef: { name: 't1' } }],
    finally: [
      { name: 'f', taskRef: { name: 't2' } },
      { name: 'g', taskRef: { name: 't1' } },
    ],
  };
  const run = (extra: Partial<NonNullable<PipelineRun['spec']>>): PipelineRun => ({
    metadata: { name: 'r', namespace: 'ns' },
    spec: { pipelineRef: { name: 'p' }, ...extra },
  });

  const cases: [string, PipelineRun, string | undefined, RegExp?][] = [
    [
      'a missing param',
      run({ workspaces: [{ name: 'ws', emptyDir: {} }] }),
      'ParameterMissing',
      /pipelineRun missing parameters: \[needed\]/,
    ],
    [
      'an unbound workspace',
      run({ params: [{ name: 'needed', value: 'v' }] }),
      'InvalidWorkspaceBindings',
      /requires workspace with name "ws"/,
    ],
    [
      'everything given',
      run({ params: [{ name: 'needed', value: 'v' }], workspaces: [{ name: 'ws', emptyDir: {} }] }),
      undefined,
    ],
  ];
  for (const [name, pipelineRun, reason, message] of cases) {
    it(name, () => {
      const failure = checkPipelineRun(pipelineRun, spec);
      assert.equal(failure?.reason, reason);
      if (message) assert.match(failure?.error ?? '', message);
    });
  }

  it('reports an invalid spec as PipelineValidationFailed, naming the pipeline', () => {
    const failure = checkPipelineRun(run({}), { tasks: [] });
    assert.equal(failure?.reason, 'PipelineValidationFailed');
    assert.match(failure?.error ?? '', /^Pipeline ns\/p can't be Run; it has an invalid spec/);
  });

  it('lists each referenced Task once', () => {
    assert.deepEqual(referencedTasks(spec), ['t1', 't2']);
  });
});
