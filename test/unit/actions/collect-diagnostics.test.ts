import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import {
  describePodText,
  formatEvents,
  formatSelector,
  summarize,
} from '../../../src/actions/lib/diagnostics/describe-objects.ts';

const crashing: V1Pod = {
  metadata: { name: 'web-1', namespace: 'default' },
  spec: {
    nodeName: 'n1',
    containers: [{ name: 'app', image: 'web:1', resources: { limits: { memory: '256Mi' } } }],
  },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'False' }],
    containerStatuses: [
      {
        name: 'app',
        image: 'web:1',
        imageID: '',
        ready: false,
        restartCount: 4,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } },
      },
    ],
  },
};

const event = (reason: string, type: string, count: number, at: string): CoreV1Event => ({
  metadata: {},
  involvedObject: { kind: 'Pod', name: 'web-1' },
  reason,
  type,
  count,
  message: `${reason} happened`,
  lastTimestamp: new Date(at),
});

describe('diagnostics text', () => {
  it('renders label selectors as the query string', () => {
    assert.equal(
      formatSelector({
        matchLabels: { app: 'web' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['a', 'b'] },
          { key: 'canary', operator: 'DoesNotExist' },
        ],
      }),
      'app=web,tier in (a,b),!canary',
    );
  });

  it('describes a crashing pod with its last termination', () => {
    const text = describePodText(crashing);
    assert.match(text, /State:\s+Waiting \(CrashLoopBackOff\)/);
    assert.match(text, /Last State:\s+Terminated \(OOMKilled, exit 137\)/);
    assert.match(text, /Restarts:\s+4/);
    assert.match(text, /Limits:\s+\{"memory":"256Mi"\}/);
  });

  it('orders events oldest first and summarizes the warnings', () => {
    const events = [
      event('BackOff', 'Warning', 5, '2026-01-01T00:02:00Z'),
      event('Pulled', 'Normal', 1, '2026-01-01T00:00:00Z'),
      event('OOMKilling', 'Warning', 2, '2026-01-01T00:01:00Z'),
    ];
    const lines = formatEvents(events).trimEnd().split('\n');
    assert.deepEqual(
      lines.map((l) => l.split(/\s+/)[2]),
      ['Pulled', 'OOMKilling', 'BackOff'],
    );
    assert.deepEqual(summarize('Deployment default/web', [crashing], events), {
      text: 'Deployment default/web: 0/1 pods ready, 4 restarts, 2 warning events (BackOff x5, OOMKilling x2)',
      readyPods: 0,
      restarts: 4,
      warnings: 2,
    });
  });
});
