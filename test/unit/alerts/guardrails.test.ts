import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  evaluateGuardrails,
  type GuardrailDecision,
  type GuardrailInput,
  type RunFacts,
} from '../../../src/alerts/guardrails.ts';
import { guardrailsSchema } from '../../../src/api/remediation-template.ts';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const min = 60_000;

const run = (
  name: string,
  phase: RunFacts['phase'],
  endedMinutesAgo?: number,
  createdMinutesAgo = 30,
): RunFacts => ({
  name,
  phase,
  createdAtMs: NOW - createdMinutesAgo * min,
  ...(endedMinutesAgo === undefined ? {} : { completedAtMs: NOW - endedMinutesAgo * min }),
});

function decide(
  overrides: Partial<Omit<GuardrailInput, 'templateCreationsBetween'>> & {
    rails?: Record<string, unknown>;
    /** The template's runs' creation times, counted the way the run index counts them. */
    templateCreationsMs?: number[];
  },
): GuardrailDecision {
  const { rails, templateCreationsMs = [], ...rest } = overrides;
  return evaluateGuardrails({
    guardrails: rails ? guardrailsSchema.parse(rails) : undefined,
    targetRuns: [],
    templateCreationsBetween: (afterMs, upToMs) =>
      templateCreationsMs.filter((created) => created > afterMs && created <= upToMs).length,
    paused: false,
    nowMs: NOW,
    ...rest,
  });
}

describe('evaluateGuardrails', () => {
  const cases: [string, Parameters<typeof decide>[0], GuardrailDecision['action'], string?][] = [
    ['nothing known: create', {}, 'create'],
    ['paused: suppress everything', { paused: true }, 'suppress', 'Paused'],
    [
      'paused wins over an active run',
      { paused: true, targetRuns: [run('a', 'Running')] },
      'suppress',
      'Paused',
    ],
    [
      'an active run absorbs the alert (maxActivePerTarget 1)',
      { targetRuns: [run('a', 'Running')] },
      'duplicate',
      'a',
    ],
    [
      'a pending run (no phase yet) is active',
      { targetRuns: [run('a', undefined)] },
      'duplicate',
      'a',
    ],
    [
      'the newest active run is named',
      {
        targetRuns: [
          run('old', 'Running', undefined, 9),
          run('new', 'AwaitingApproval', undefined, 1),
        ],
      },
      'duplicate',
      'new',
    ],
    [
      'maxActivePerTarget 2 allows a second run',
      { rails: { maxActivePerTarget: 2 }, targetRuns: [run('a', 'Running')] },
      'create',
    ],
    [
      'maxActivePerTarget 2 folds the third',
      { rails: { maxActivePerTarget: 2 }, targetRuns: [run('a', 'Running'), run('b', 'Pending')] },
      'duplicate',
    ],
    [
      'cooldown: 10m after a run that ended 5m ago',
      { rails: { cooldown: '10m' }, targetRuns: [run('a', 'Succeeded', 5)] },
      'suppress',
      'Cooldown',
    ],
    [
      'cooldown over',
      { rails: { cooldown: '10m' }, targetRuns: [run('a', 'Succeeded', 11)] },
      'create',
    ],
    [
      'cooldown counts from the latest end',
      {
        rails: { cooldown: '10m' },
        targetRuns: [run('a', 'Succeeded', 30), run('b', 'Failed', 2)],
      },
      'suppress',
      'Cooldown',
    ],
    ['no cooldown by default', { targetRuns: [run('a', 'Succeeded', 0)] }, 'create'],
    [
      '3 failures in a row block for 1h by default',
      { targetRuns: [run('a', 'Failed', 30), run('b', 'Failed', 20), run('c', 'Failed', 10)] },
      'suppress',
      'FailureBlock',
    ],
    [
      '2 failures do not block',
      { targetRuns: [run('b', 'Failed', 20), run('c', 'Failed', 10)] },
      'create',
    ],
    [
      'a success in between resets the count',
      {
        targetRuns: [
          run('a', 'Failed', 30),
          run('b', 'Failed', 20),
          run('s', 'Succeeded', 15),
          run('c', 'Failed', 10),
        ],
      },
      'create',
    ],
    [
      'cancelled runs say nothing',
      {
        targetRuns: [
          run('a', 'Failed', 30),
          run('x', 'Cancelled', 25),
          run('b', 'Failed', 20),
          run('c', 'Failed', 10),
        ],
      },
      'suppress',
      'FailureBlock',
    ],
    [
      'the block ends after its time',
      {
        rails: { failureBlock: { after: 2, for: '5m' } },
        targetRuns: [run('b', 'Failed', 20), run('c', 'Failed', 6)],
      },
      'create',
    ],
    [
      'a custom block: 2 failures for 30m',
      {
        rails: { failureBlock: { after: 2, for: '30m' } },
        targetRuns: [run('b', 'Failed', 20), run('c', 'Failed', 6)],
      },
      'suppress',
      'FailureBlock',
    ],
    [
      'storm: 20 runs in the last minute by default',
      { templateCreationsMs: Array.from({ length: 20 }, (_, i) => NOW - i * 1000) },
      'suppress',
      'StormLimit',
    ],
    [
      'storm: 19 is below the limit',
      { templateCreationsMs: Array.from({ length: 19 }, (_, i) => NOW - i * 1000) },
      'create',
    ],
    [
      'storm: older runs do not count',
      { templateCreationsMs: Array.from({ length: 50 }, () => NOW - 61_000) },
      'create',
    ],
    [
      'storm: a custom limit',
      { rails: { maxNewRunsPerMinute: 2 }, templateCreationsMs: [NOW - 1000, NOW - 2000] },
      'suppress',
      'StormLimit',
    ],
  ];
  for (const [title, input, action, detail] of cases) {
    it(title, () => {
      const decision = decide(input);
      assert.equal(decision.action, action, JSON.stringify(decision));
      if (decision.action === 'suppress') assert.equal(decision.reason, detail);
      if (decision.action === 'duplicate' && detail) assert.equal(decision.run, detail);
    });
  }

  it('says until when a target is blocked', () => {
    const decision = decide({ rails: { cooldown: '10m' }, targetRuns: [run('a', 'Succeeded', 5)] });
    assert.ok(decision.action === 'suppress');
    assert.match(decision.message, /cooldown of 10m after run a until 2024-05-01T12:05:00.000Z/);
  });
});
