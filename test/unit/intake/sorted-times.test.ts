import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SortedTimes } from '../../../src/intake/sorted-times.ts';

describe('SortedTimes', () => {
  it('counts like a scan of the same times, through adds and deletes', () => {
    const operation = fc.oneof(
      fc.record({ add: fc.integer({ min: 0, max: 50 }) }),
      fc.record({ remove: fc.integer({ min: 0, max: 50 }) }),
    );
    fc.assert(
      fc.property(
        fc.array(operation, { maxLength: 60 }),
        fc.integer({ min: -1, max: 51 }),
        fc.integer({ min: -1, max: 51 }),
        (operations, after, upTo) => {
          const sorted = new SortedTimes();
          const plain: number[] = [];
          for (const step of operations) {
            if ('add' in step) {
              sorted.add(step.add);
              plain.push(step.add);
            } else {
              sorted.delete(step.remove);
              const at = plain.indexOf(step.remove);
              if (at >= 0) plain.splice(at, 1);
            }
          }
          const expected = plain.filter((time) => time > after && time <= upTo).length;
          assert.equal(sorted.countBetween(after, upTo), expected);
          assert.deepEqual(
            sorted.values(),
            [...plain].sort((a, b) => a - b),
          );
        },
      ),
      { numRuns: 1_000 },
    );
  });
});
