import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import {
  outputsFromLog,
  readAttemptResult,
} from '../../../src/backends/jobs/read-attempt-result.ts';

const job = (condition?: { type: string; reason?: string }): V1Job => ({
  status: condition ? { conditions: [{ status: 'True', ...condition }] } : {},
});
const pod = (state: object, extra: object = {}): V1Pod => ({
  status: {
    containerStatuses: [
      { name: 'action', image: 'x', imageID: '', ready: false, restartCount: 0, state },
    ],
    ...extra,
  },
});

describe('readAttemptResult', () => {
  const cases: [string, V1Job, V1Pod | undefined, object][] = [
    ['a running Job', job(), pod({ running: {} }), { phase: 'Running' }],
    [
      'a complete Job with outputs in the termination message',
      job({ type: 'Complete' }),
      pod({ terminated: { exitCode: 0, message: '{"replicas":3}' } }),
      { phase: 'Succeeded', outputs: { replicas: 3 }, needsLog: false },
    ],
    [
      'a complete Job without a message: read the log',
      job({ type: 'Complete' }),
      pod({ terminated: { exitCode: 0 } }),
      { phase: 'Succeeded', needsLog: true },
    ],
    [
      'a pod that cannot pull its image',
      job(),
      pod({ waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' } }),
      { phase: 'Failed', reason: 'ImagePullBackOff', message: 'Back-off pulling image' },
    ],
    [
      'a deadline',
      job({ type: 'Failed', reason: 'DeadlineExceeded' }),
      pod({ terminated: { exitCode: 137 } }),
      {
        phase: 'Failed',
        reason: 'DeadlineExceeded',
        message: 'the step ran past its timeout and was stopped',
      },
    ],
    [
      'an OOM kill',
      job({ type: 'Failed', reason: 'BackoffLimitExceeded' }),
      pod({ terminated: { exitCode: 137, reason: 'OOMKilled' } }),
      {
        phase: 'Failed',
        reason: 'OOMKilled',
        message: 'the action ran out of memory',
        exitCode: 137,
      },
    ],
    [
      'an eviction',
      job({ type: 'Failed' }),
      pod({ terminated: { exitCode: 137 } }, { reason: 'Evicted', message: 'low on memory' }),
      { phase: 'Failed', reason: 'Evicted', message: 'low on memory' },
    ],
    [
      'a non-zero exit',
      job({ type: 'Failed' }),
      pod({ terminated: { exitCode: 1, message: 'trace\nconnection refused' } }),
      {
        phase: 'Failed',
        reason: 'ActionFailed',
        message: 'exited with code 1: connection refused',
        exitCode: 1,
      },
    ],
    [
      'exit code 2, the contract’s bad-input code',
      job({ type: 'Failed' }),
      pod({ terminated: { exitCode: 2, message: 'replicas: must be a number' } }),
      {
        phase: 'Failed',
        reason: 'InvalidInputs',
        message: 'exited with code 2: replicas: must be a number',
        exitCode: 2,
      },
    ],
  ];
  for (const [name, jobObject, podObject, expected] of cases) {
    it(name, () => assert.deepEqual(readAttemptResult(jobObject, podObject), expected));
  }
});

describe('outputsFromLog', () => {
  it('takes the last JSON object line', () => {
    assert.deepEqual(outputsFromLog('starting\n{"a":1}\nnoise\n{"b":2}\n'), { b: 2 });
  });
  it('ignores JSON that is not an object', () => {
    assert.equal(outputsFromLog('[1,2]\n"text"\n42\n'), undefined);
  });
});
