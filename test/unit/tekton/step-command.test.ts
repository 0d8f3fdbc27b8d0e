import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LocalImage } from '../../../wrangler-free-local/cluster/image-catalog.ts';
import {
  ENTRYPOINT_PROGRAM,
  ROOT_MARKER,
  interpreterOf,
  rootPaths,
  stepContainer,
  withDefaultShebang,
  type EntrypointSpec,
} from '../../../wrangler-free-local/tekton/step-command.ts';
import {
  buildTaskRunPod,
  withStepTemplate,
} from '../../../wrangler-free-local/tekton/task-run-pod.ts';

const R = ROOT_MARKER;
const image: LocalImage = {
  entrypoint: ['/host/entry'],
  executables: { '/action-entrypoint': ['/host/node', '-e', 'code'], '/bin/sh': ['/bin/bash'] },
};
const specOf = (args: string[] | undefined): EntrypointSpec =>
  JSON.parse(args?.at(-1) ?? '{}') as EntrypointSpec;

describe('step commands', () => {
  const rooting: [string, string][] = [
    ['printf x | /action-entrypoint', `printf x | ${R}/action-entrypoint`],
    ['cat $X > /tekton/results/out', `cat $X > ${R}/tekton/results/out`],
    ['cd "/workspace/src/app"; ls', `cd "${R}/workspace/src/app"; ls`],
    ['--out=/tekton/results/a', `--out=${R}/tekton/results/a`],
    [
      '/action-entrypoints /usr/bin/action-entrypoint',
      '/action-entrypoints /usr/bin/action-entrypoint',
    ],
    ['/workspaces/x and /tektonic', '/workspaces/x and /tektonic'],
  ];
  for (const [text, expected] of rooting) {
    it(`roots container paths: ${text}`, () => {
      assert.equal(rootPaths(text, ['/tekton', '/workspace', '/action-entrypoint']), expected);
    });
  }

  it('resolves a script interpreter through the image first', () => {
    assert.deepEqual(interpreterOf(withDefaultShebang('echo'), image), ['/bin/bash']);
    assert.deepEqual(interpreterOf('#!/usr/bin/env sh\necho', image), ['/bin/bash']);
    assert.deepEqual(interpreterOf('#!/usr/bin/env python3 -u\nprint(1)', image), [
      '/usr/bin/env',
      'python3',
      '-u',
    ]);
    assert.deepEqual(interpreterOf('#!/bin/sh\necho', { entrypoint: [] }), ['/bin/sh']);
    assert.equal(withDefaultShebang('echo hi'), '#!/bin/sh\nset -e\necho hi');
  });

  it('runs a script step under the simulated entrypoint with the image executables as shims', () => {
    const container = stepContainer(
      {
        name: 'step-a',
        index: 0,
        image: 'img',
        script: 'printf x | /action-entrypoint',
        env: [{ name: 'OUT', value: '/tekton/results/o' }],
      },
      image,
      [],
      ['o'],
    );
    assert.deepEqual(container.command, ['/bin/sh']);
    assert.deepEqual(container.args?.slice(0, 5), [
      '-c',
      'exec "$@"',
      'tekton-entrypoint',
      process.execPath,
      ENTRYPOINT_PROGRAM,
    ]);
    const spec = specOf(container.args);
    assert.deepEqual(spec.shims, image.executables);
    assert.deepEqual(spec.results, ['o']);
    assert.equal(spec.script?.text, `#!/bin/sh\nset -e\nprintf x | ${R}/action-entrypoint`);
    assert.deepEqual(spec.script?.interpreter, ['/bin/bash']);
    assert.deepEqual(container.env, [{ name: 'OUT', value: `${R}/tekton/results/o` }]);
  });

  it('resolves a command step through the image, rooting the paths in its arguments', () => {
    const withCommand = stepContainer(
      {
        name: 'step-a',
        index: 0,
        image: 'img',
        command: ['/action-entrypoint'],
        args: ['/tekton/results/x'],
      },
      image,
      [],
      [],
    );
    assert.deepEqual(specOf(withCommand.args).argv, [
      '/host/node',
      '-e',
      'code',
      `${R}/tekton/results/x`,
    ]);
    const withEntrypoint = stepContainer(
      { name: 'step-a', index: 0, image: 'img', args: ['a'] },
      image,
      [],
      [],
    );
    assert.deepEqual(specOf(withEntrypoint.args).argv, ['/host/entry', 'a']);
  });

  it('leaves a step whose image or command does not exist to the kubelet to report', () => {
    const unknownImage = stepContainer(
      { name: 'step-a', index: 0, image: 'nope', command: ['x'] },
      undefined,
      [],
      [],
    );
    assert.deepEqual(unknownImage.command, ['x']);
    const unknownCommand = stepContainer(
      { name: 'step-a', index: 0, image: 'img', command: ['/missing'] },
      image,
      [],
      [],
    );
    assert.deepEqual(unknownCommand.command, ['/missing']);
  });

  it('builds the pod: substituted steps, results and workspace mounts, Never restarts', () => {
    const pod = buildTaskRunPod(
      {
        metadata: { name: 'tr', namespace: 'ns', uid: 'u', labels: { keep: 'me' } },
        spec: {
          params: [{ name: 'inputs', value: '{"a":1}' }],
          workspaces: [{ name: 'src', persistentVolumeClaim: { claimName: 'pvc-1' } }],
        },
      },
      {
        params: [{ name: 'inputs' }, { name: 'mode', default: 'fast' }],
        results: [{ name: 'outputs' }],
        workspaces: [{ name: 'src', mountPath: '/src' }],
        steps: [
          {
            name: 'act',
            image: 'img',
            env: [{ name: 'ACTION_INPUTS', value: '$(params.inputs)' }],
            script:
              'cd $(workspaces.src.path) && /action-entrypoint $(params.mode) > $(results.outputs.path)',
          },
        ],
      },
      () => image,
    );
    const [container] = pod.spec?.containers ?? [];
    assert.equal(container?.name, 'step-act');
    assert.deepEqual(container?.env, [{ name: 'ACTION_INPUTS', value: '{"a":1}' }]);
    assert.equal(
      specOf(container?.args).script?.text.split('\n').at(-1),
      `cd ${R}/src && ${R}/action-entrypoint fast > ${R}/tekton/results/outputs`,
    );
    assert.deepEqual(
      container?.volumeMounts?.map((mount) => mount.mountPath),
      ['/tekton/results', '/src'],
    );
    assert.deepEqual(pod.spec?.volumes?.[1], {
      name: 'ws-src',
      persistentVolumeClaim: { claimName: 'pvc-1' },
    });
    assert.equal(pod.spec?.restartPolicy, 'Never');
    assert.equal(pod.metadata?.name, 'tr-pod');
    assert.equal(pod.metadata?.labels?.keep, 'me');
    assert.equal(pod.metadata?.labels?.['tekton.dev/taskRun'], 'tr');
  });

  it('applies the stepTemplate: the step wins, env merges by name', () => {
    assert.deepEqual(
      withStepTemplate(
        {
          image: 'base',
          workingDir: '/w',
          env: [
            { name: 'A', value: 't' },
            { name: 'B', value: 't' },
          ],
        },
        { name: 's', image: 'own', env: [{ name: 'B', value: 's' }] },
      ),
      {
        name: 's',
        image: 'own',
        workingDir: '/w',
        env: [
          { name: 'A', value: 't' },
          { name: 'B', value: 's' },
        ],
      },
    );
    assert.deepEqual(withStepTemplate(undefined, { image: 'x' }), { image: 'x' });
  });
});
