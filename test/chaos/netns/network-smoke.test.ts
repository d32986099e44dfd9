// The chaos suite's smoke (docs/chaos.md), run by `make test`: 3 brokers in network namespaces,
// each network nemesis once (isolate one, majority/minority, isolate a partition's leader, bridge,
// asymmetric, flapping, packet loss, isolate the metadata leader, a slow link, and the link
// proxies' delay, stall, reset and half-open), a few seconds each, with two idempotent producers and a
// consumer; then every promise the checker knows must hold. Safety only: availability figures
// are printed, not asserted. Skipped (saying why) when the machine cannot make namespaces.
import assert from 'node:assert/strict';
import { runChaos } from './run';
import { NETWORK_NEMESES } from './schedule';
import { unavailableBecause } from './topology';

describe('chaos smoke: each network nemesis once on 3 brokers in namespaces', function () {
  // About 70 s (13 nemeses, 2–4 s each), plus any wait for another worktree's chaos run to release the machine's lock.
  this.timeout(20 * 60_000);

  before(function () {
    const why = unavailableBecause();
    if (why !== undefined) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
  });

  it('keeps every acknowledged record at its offset, once, and every consumer read in the log', async () => {
    const seed = Number(process.env.SLUICE_CHAOS_SEED ?? 1);
    const result = await runChaos({
      seed, durationMs: 0, brokers: 3, partitions: 3, nemeses: NETWORK_NEMESES, mode: 'each-once', rate: 200,
      holdMs: [2000, 4000], healthyMs: [1000, 2500], log: () => undefined,
    });
    console.log(`      seed ${seed}: ${JSON.stringify({ faults: result.faults, operations: result.operations, longestAckGapByPartitionMs: result.longestAckGapByPartitionMs, recoveredAfterMs: result.recoveredAfterMs, consumerStops: result.consumerStops })}`);
    assert.deepEqual(result.anomalies, []);
    assert.deepEqual(Object.keys(result.faults).sort(), [...NETWORK_NEMESES].sort());
    assert.ok(result.operations.acknowledged > 0 && result.operations.consumed > 0, 'records were acknowledged and consumed');
  });
});
