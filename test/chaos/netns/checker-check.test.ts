// Checking the checkers with a real broker (docs/chaos.md, "Checking the checkers"): brokers that
// break a promise on purpose (src/common/test-faults.ts) must be caught, and the crash that loses
// unsynced writes must not be mistaken for one. Two short runs on 3 brokers in namespaces:
//   - ack-before-commit (acks=all answered at the leader's append) while a partition's leader is
//     isolated: the isolated leader's acknowledged records are cut away at the heal, so lost or
//     misplaced acknowledged records must be reported;
//   - crash-losing-unsynced-writes (kill -9 of a leader and one more replica, which restart
//     without their unsynced segment bytes) with flush.policy=batch (the default) and acks=all:
//     acknowledged records were fdatasynced on a majority first, so nothing may be reported.
// The same crashes with ack-before-commit are not a test: whether they lose an acknowledged
// record depends on whether the surviving replica had it yet (one run of the suite found none).
// Skipped (saying why) when the machine cannot make namespaces.
import assert from 'node:assert/strict';
import { runChaos, type RunOptions, type RunResult } from './run';
import { unavailableBecause } from './topology';

const SHORT = { brokers: 3, partitions: 2, rate: 200, holdMs: [4000, 6000], healthyMs: [2000, 3000], log: () => undefined } as const;

async function run(options: Pick<RunOptions, 'nemeses' | 'mode' | 'durationMs' | 'testFaults'>): Promise<RunResult> {
  const seed = Number(process.env.SLUICE_CHAOS_SEED ?? 3);
  const result = await runChaos({ seed, ...SHORT, ...options });
  console.log(`      seed ${seed}, ${JSON.stringify({ testFaults: result.testFaults, unsyncedBytesCut: result.unsyncedBytesCut, faults: result.faults, operations: result.operations, anomalies: result.anomalies.length, first: result.anomalies.slice(0, 3) })}`);
  return result;
}

const brokenAcks = (result: RunResult): string[] => result.anomalies.filter((line) => /\b(lost|misplaced)\b/.test(line));

describe('checking the checkers with brokers that break their promises (namespaces)', function () {
  // Each run is under a minute, plus any wait for another worktree's chaos run (the machine's lock).
  this.timeout(20 * 60_000);

  before(function () {
    const why = unavailableBecause();
    if (why !== undefined) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
  });

  it('reports lost or misplaced acknowledged records when acks=all is answered before the commit and the leader is isolated', async () => {
    const result = await run({ nemeses: ['isolate-leader'], mode: 'each-once', durationMs: 0, testFaults: ['ack-before-commit'] });
    assert.ok(brokenAcks(result).length > 0, `expected lost or misplaced acknowledged records, got: ${JSON.stringify(result.anomalies)}`);
  });

  it('reports nothing after crashes that lose unsynced writes, with flush.policy=batch and acks=all', async () => {
    const result = await run({ nemeses: ['crash-losing-unsynced-writes'], mode: 'random', durationMs: 20_000 });
    assert.ok((result.faults['crash-losing-unsynced-writes'] ?? 0) >= 2, 'the crash struck at least twice');
    assert.ok(result.unsyncedBytesCut > 0, 'the restarts cut unsynced segment bytes away');
    assert.deepEqual(result.anomalies, []);
    assert.ok(result.operations.acknowledged > 0, 'records were acknowledged');
  });
});
