// One batch that the storage cannot encode (a header field outside its stored range, say a
// producer epoch past int16 that slipped past the edge's checks) is answered to its producer
// only: the other batches proposed in the same Raft Ready are stored, and the partition keeps
// serving, on one voter and on every replica of three (docs/storage.md, "One batch's failure").
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '../../src/common/errors';
import type { ProduceOutcome } from '../../src/partition/replica';
import type { ReplicatedPartition } from '../../src/partition/replicated-partition';
import { encodeBatch } from '../broker/broker-fixture';
import { electedLeader, startSoleReplica, stopNode, threeReplicasEachTest, type TestNode } from '../replication/replica-harness';
import { until } from '../until';

const describeOutcome = (o: ProduceOutcome): string => (o.ok ? `${ErrorCode[o.code]} at ${o.baseOffset}` : `${ErrorCode[o.code]}: ${o.message}`);

const produceValue = (p: ReplicatedPartition, value: string, producerEpoch: number): Promise<ProduceOutcome> =>
  p.produce({ batch: encodeBatch([value]), acks: 'all', recordCount: 1, maxTimestampMs: 0, producerId: 0, producerEpoch, baseSequence: 0 });

/** Three batches proposed in one turn (one Ready, one append), the middle one unstorable. */
async function produceOneBadAmongGood(p: ReplicatedPartition): Promise<ProduceOutcome[]> {
  return Promise.all([produceValue(p, 'first', 0), produceValue(p, 'bad', 40_000), produceValue(p, 'third', 0)]);
}

function assertOnlyTheBadOneFailed(outcomes: readonly ProduceOutcome[]): void {
  assert.ok(outcomes[0]!.ok, describeOutcome(outcomes[0]!));
  assert.ok(outcomes[2]!.ok, describeOutcome(outcomes[2]!));
  const bad = outcomes[1]!;
  assert.equal(bad.ok, false);
  assert.equal(bad.code, ErrorCode.INVALID_RECORD, describeOutcome(bad));
  assert.match((bad as { message: string }).message, /producer_epoch 40000/);
}

describe('group commit: one batch that cannot be stored', () => {
  describe('on a partition with one voter', () => {
    let dir: string;
    let node: TestNode;

    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), 'sluice-isolation-'));
      node = await startSoleReplica(dir);
    });
    afterEach(async () => {
      await stopNode(node).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    });

    it('is answered to its producer only; the others of the same append are stored and the partition keeps serving', async () => {
      const outcomes = await produceOneBadAmongGood(node.partition);
      assertOnlyTheBadOneFailed(outcomes);
      assert.equal(node.log.logEndOffset, 2, 'both good batches are stored, the bad one is not');
      const later = await produceValue(node.partition, 'later', 0);
      assert.ok(later.ok, describeOutcome(later));
      assert.equal(node.partition.highWatermark, 3);
    });
  });

  describe('on a partition with three replicas', () => {
    const { nodes } = threeReplicasEachTest('isolation');

    it('never reaches a replica: every replica stores the good batches and keeps serving', async () => {
      const leader = await electedLeader(() => nodes);
      const outcomes = await produceOneBadAmongGood(leader.partition);
      assertOnlyTheBadOneFailed(outcomes);
      const later = await produceValue(leader.partition, 'later', 0);
      assert.ok(later.ok, describeOutcome(later));
      await until(() => nodes.every((n) => n.log.logEndOffset === 3), 'every replica to store the three good batches');
    });
  });
});
