import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWrkOutput } from '../../bench/wrk.ts';

// wrk 4.1.0 (Debian) against a route that answers 404, verbatim.
const SAMPLE = `Running 1s test @ http://127.0.0.1:18999/y
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   516.85us    1.21ms  12.83ms   93.41%
    Req/Sec    18.06k     7.45k   27.27k    70.00%
  Latency Distribution
     50%  175.00us
     75%  296.00us
     90%    1.03ms
     99%    7.18ms
  17927 requests in 1.00s, 3.15MB read
  Non-2xx or 3xx responses: 17927
Requests/sec:  17911.36
Transfer/sec:      3.14MB
`;

describe('parseWrkOutput', () => {
  it('reads the count, the rate, the percentiles in ms and the failed answers', () => {
    assert.deepEqual(parseWrkOutput(SAMPLE), {
      requests: 17_927,
      requestsPerSec: 17_911.36,
      p50Ms: 0.175,
      p99Ms: 7.18,
      non2xx: 17_927,
      socketErrors: 0,
    });
  });

  it('adds up socket errors, and reads seconds', () => {
    const text = SAMPLE.replace(
      'Non-2xx or 3xx responses: 17927',
      'Socket errors: connect 1, read 2, write 3, timeout 4',
    ).replace('7.18ms', '1.50s');
    const result = parseWrkOutput(text);
    assert.equal(result.socketErrors, 10);
    assert.equal(result.non2xx, 0);
    assert.equal(result.p99Ms, 1500);
  });

  it('refuses output without a latency distribution (wrk run without --latency)', () => {
    assert.throws(() => parseWrkOutput(SAMPLE.replace(/^\s+99%.*$/m, '')), /no 99% line/);
  });
});
