// Per-phase availability on a hand-made history: each acknowledgement counts in the phase it
// arrived in, a partition silent during a phase shows as a gap as long as the phase, and latency
// percentiles are those of the phase's acknowledgements.
import assert from 'node:assert/strict';
import { History } from './history';
import { phaseReports } from './phases';

describe('chaos phase reports', () => {
  it('finds the partition a fault silenced and the gap it left, phase by phase', async () => {
    const history = new History('p');
    const t0 = performance.timeOrigin + performance.now();
    // Two records on partition 0 and one on partition 1, acknowledged as they are invoked.
    [0, 1, 0].forEach((partition, index) => {
      history.invoke();
      history.acknowledged(index, partition, index);
    });
    const t1 = performance.timeOrigin + performance.now();
    const reports = phaseReports([history], [
      { name: 'healthy', startMs: t0, endMs: t1 + 1 },
      { name: 'isolate-one', startMs: t1 + 1, endMs: t1 + 1001 },
    ], 2);
    assert.equal(reports[0]!.acknowledged, 3);
    assert.ok(reports[0]!.longestGapMs <= t1 + 1 - t0);
    assert.deepEqual({ ...reports[1]!, p50Ms: 0 }, { phase: 'isolate-one', durationMs: 1000, acknowledged: 0, longestGapMs: 1000, longestGapPartition: 0, p50Ms: 0, p99Ms: 0 });
  });
});
