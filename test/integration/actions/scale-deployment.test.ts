import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api, type V1Deployment } from '@kubernetes/client-node';
import { startTestLocalCluster, type TestLocalCluster } from '../cluster/start-local-cluster.ts';
import {
  assertBadInput,
  assertFailed,
  INPUT_MODES,
  runActionProcess,
  type InputMode,
} from '../../fixtures/run-action-process.ts';

const TYPE = 'kubernetes/scale_deployment';

function deployment(name: string, replicas: number): V1Deployment {
  const labels = { app: name };
  return {
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'app', image: 'registry.local/web:1' }] },
      },
    },
  };
}

describe(TYPE, () => {
  let cluster: TestLocalCluster;
  let apps: AppsV1Api;
  const run = (mode: InputMode, inputs: unknown, extra: { tektonResults?: boolean } = {}) =>
    runActionProcess(TYPE, { server: cluster.server, token: 'test-token', mode, inputs, ...extra });
  const replicasOf = async (name: string) =>
    (await apps.readNamespacedDeployment({ name, namespace: 'default' })).spec?.replicas;

  before(async () => {
    cluster = await startTestLocalCluster();
    apps = cluster.kc.makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({ namespace: 'default', body: deployment('web', 1) });
  });
  after(() => cluster.close());

  for (const [mode, replicas] of [
    ['env', 3],
    ['stdin', 2],
  ] as const) {
    it(`scales with inputs from ${mode}, outputs on stdout and in the termination message`, async () => {
      const before = await replicasOf('web');
      const result = await run(mode, { namespace: 'default', deployment: 'web', replicas });
      assert.equal(result.exitCode, 0, result.stderr);
      assert.deepEqual(result.outputs, { previousReplicas: before, replicas });
      assert.deepEqual(JSON.parse(result.terminationMessage), result.outputs);
      assert.equal(await replicasOf('web'), replicas);
    });
  }

  it('writes the outputs to /tekton/results/outputs in a Tekton step, not the termination message', async () => {
    const result = await run(
      'stdin',
      { namespace: 'default', deployment: 'web', replicas: 4 },
      { tektonResults: true },
    );
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.tektonOutputs ?? ''), { previousReplicas: 2, replicas: 4 });
    assert.equal(result.terminationMessage, '');
  });

  const badInputs: [string, unknown, RegExp][] = [
    ['a missing input', { namespace: 'default', replicas: 1 }, /inputs\.deployment: required/],
    [
      'a wrong type',
      { namespace: 'default', deployment: 'web', replicas: '1' },
      /inputs\.replicas: must be an integer/,
    ],
    [
      'an unknown input',
      { namespace: 'default', deployment: 'web', replicas: 1, force: true },
      /inputs\.force: unknown input/,
    ],
    [
      'a name off the pattern',
      { namespace: 'default', deployment: 'Web!', replicas: 1 },
      /inputs\.deployment: "Web!" does not match/,
    ],
    [
      'a count above the ceiling',
      { namespace: 'default', deployment: 'web', replicas: 80 },
      /inputs\.replicas: 80 is above the ceiling maxReplicas=50/,
    ],
    ['text that is not JSON', '{replicas: 1', /not JSON/],
  ];
  // Each case in one input mode, alternating: the runtime's unit tests cover the whole matrix.
  badInputs.forEach(([what, inputs, message], index) => {
    const mode = INPUT_MODES[index % 2] ?? 'env';
    it(`exits 2 on ${what} (${mode}) and changes nothing`, async () => {
      const before = await replicasOf('web');
      assertBadInput(await run(mode, inputs), message);
      assert.equal(await replicasOf('web'), before);
    });
  });

  it('exits 2 with no inputs at all', async () => {
    const result = await runActionProcess(TYPE, {
      server: cluster.server,
      token: 'test-token',
      mode: 'stdin',
      inputs: '',
    });
    assert.equal(result.exitCode, 2);
    assert.match(result.messages.join('\n'), /no inputs: set ACTION_INPUTS/);
  });

  it('exits 1 naming an unknown Deployment', async () => {
    const result = await run('env', { namespace: 'default', deployment: 'missing', replicas: 1 });
    assertFailed(result, /^NotFound: deployment default\/missing not found/);
  });
});
