/** Tekton's own examples (test/testdata/tekton), run unchanged on the simulated cluster. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TaskRun } from '../../../wrangler-free-local/tekton/types.ts';
import { startTestLocalCluster, type TestLocalCluster } from '../cluster/start-local-cluster.ts';
import {
  applyTekton,
  conditionOf,
  getTaskRun,
  registerShellImages,
  waitForPipelineRun,
} from './tekton-cluster.ts';

const EXAMPLES = join(import.meta.dirname, '../../testdata/tekton');
const example = (file: string): Promise<string> => readFile(`${EXAMPLES}/${file}`, 'utf8');

/** git-init of the catalog's git-clone image, faked: a local repository with one commit. */
const FAKE_GIT_INIT = [
  '/bin/bash',
  '-c',
  'while [ $# -gt 0 ]; do [ "$1" = -path ] && path="$2"; shift; done; ' +
    'mkdir -p "$path" && git -C "$path" init -q && ' +
    'git -C "$path" -c user.name=tekton -c user.email=tekton@example.com commit -q --allow-empty -m clone',
  'git-init',
];

/** Waits for a run to succeed and returns the TaskRun of its first task. */
async function firstTaskRunOf(cluster: TestLocalCluster, name: string): Promise<TaskRun> {
  const run = await waitForPipelineRun(cluster, name);
  assert.equal(conditionOf(run)?.reason, 'Succeeded', name);
  return getTaskRun(cluster, run.status?.childReferences?.[0]?.name ?? '');
}

describe('simulated Tekton: the examples of tektoncd/pipeline', () => {
  let cluster: TestLocalCluster;
  before(async () => {
    cluster = await startTestLocalCluster();
    registerShellImages(cluster.catalog);
    cluster.catalog.add('ghcr.io/tektoncd-catalog/git-clone:v1.1.0', {
      entrypoint: FAKE_GIT_INIT,
      executables: { '/bin/sh': ['/bin/bash'], '/ko-app/git-init': FAKE_GIT_INIT },
    });
  });
  after(async () => {
    await cluster.close();
  });

  const nameOf = (objects: { kind?: string; metadata?: { name?: string } }[]): string =>
    objects.find((object) => object.kind === 'PipelineRun')?.metadata?.name ?? '';

  it('pipelinerun-results: a command step passes a result on; pipeline results are computed', async () => {
    const run = await waitForPipelineRun(
      cluster,
      nameOf(await applyTekton(cluster, await example('pipelinerun-results.yaml'))),
    );
    assert.equal(conditionOf(run)?.reason, 'Succeeded', JSON.stringify(run.status?.conditions));
    assert.deepEqual(run.status?.results, [
      { name: 'sum', value: '22' },
      { name: 'partial-sum', value: '12' },
      { name: 'all-sum', value: '22-12' },
    ]);
    const second = await getTaskRun(cluster, 'sum-three-pipeline-run-second-add');
    assert.deepEqual(second.spec?.params, [
      { name: 'first', value: '12' },
      { name: 'second', value: '10' },
    ]);
    assert.equal(second.metadata?.labels?.['tekton.dev/task'], 'add-task');
    assert.equal(second.metadata?.labels?.['tekton.dev/pipeline'], 'sum-three-pipeline');
  });

  it('pipelinerun-with-pipelinespec-and-taskspec: embedded specs, params and their defaults', async () => {
    const created = await applyTekton(
      cluster,
      await example('pipelinerun-with-pipelinespec-and-taskspec.yaml'),
    );
    const logs: string[] = [];
    for (const object of created) {
      const task = await firstTaskRunOf(cluster, object.metadata?.name ?? '');
      logs.push(
        await cluster.core.readNamespacedPodLog({
          name: task.status?.podName ?? '',
          namespace: 'default',
          container: 'step-echo',
        }),
      );
    }
    assert.deepEqual(logs, ['Good Morning!\n', 'Good Morning!\n', 'Good Morning!\n']);
    const labelled = await firstTaskRunOf(cluster, created[0]?.metadata?.name ?? '');
    assert.equal(labelled.metadata?.name?.length, 63, 'a long child name is shortened to 63');
    assert.equal(labelled.metadata?.labels?.app, 'example', 'taskSpec labels reach the TaskRun');
  });

  it('using-retries-and-retry-count-variables: fails once, passes on the retry', async () => {
    const name = nameOf(
      await applyTekton(cluster, await example('using-retries-and-retry-count-variables.yaml')),
    );
    const run = await waitForPipelineRun(cluster, name);
    assert.equal(conditionOf(run)?.reason, 'Succeeded', JSON.stringify(run.status?.conditions));
    const retried = await getTaskRun(cluster, `${name}-retry-me`);
    assert.equal(retried.status?.retriesStatus?.length, 1);
    const log = await cluster.core.readNamespacedPodLog({
      name: `${name}-retry-me-pod-retry1`,
      namespace: 'default',
    });
    assert.match(log, /This is the last retry\./);
  });

  it('workspace-from-volumeclaimtemplate: a file written by one task is read by the next', async () => {
    const name = nameOf(
      await applyTekton(cluster, await example('workspace-from-volumeclaimtemplate.yaml')),
    );
    const run = await waitForPipelineRun(cluster, name);
    assert.equal(conditionOf(run)?.reason, 'Succeeded', JSON.stringify(run.status?.conditions));
    const reader = await getTaskRun(cluster, `${name}-reader`);
    const claim = reader.spec?.workspaces?.[0]?.persistentVolumeClaim?.claimName ?? '';
    assert.match(claim, /^pvc-[0-9a-f]{10}$/);
    assert.equal(
      (await getTaskRun(cluster, `${name}-writer`)).spec?.workspaces?.[0]?.persistentVolumeClaim
        ?.claimName,
      claim,
    );
  });

  it('pipelinerun-with-final-tasks: finally tasks run after the DAG and read its results', async () => {
    const run = await waitForPipelineRun(
      cluster,
      nameOf(await applyTekton(cluster, await example('pipelinerun-with-final-tasks.yaml'))),
    );
    assert.equal(conditionOf(run)?.reason, 'Succeeded', JSON.stringify(run.status?.conditions));
    assert.deepEqual(
      run.status?.childReferences?.map((child) => child.pipelineTaskName),
      ['clone-app-repo', 'cleanup', 'check-git-commit'],
    );
    const clone = await getTaskRun(cluster, 'write-and-cleanup-workspace-clone-app-repo');
    assert.match(clone.status?.results?.[0]?.value ?? '', /^[0-9a-f]{40}$/);
    const check = await getTaskRun(cluster, 'write-and-cleanup-workspace-check-git-commit');
    assert.equal(check.metadata?.labels?.['tekton.dev/memberOf'], 'finally');
    assert.equal(check.spec?.params?.[0]?.value, clone.status?.results?.[0]?.value);
  });
});
