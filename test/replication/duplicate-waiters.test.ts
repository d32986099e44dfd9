// A retried idempotent batch whose original is still uncommitted waits for that original: it
// succeeds with it, or fails with it when the leader loses track of it. Before 2026-12-07 the
// retry waited on the commit watermark alone, so a leader cut off and then truncated answered
// the retry "duplicate, stored at offset N" once another leader's record committed at N.
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/common/errors';
import { asNodeId } from '../../src/common/ids';
import type { ProduceOutcome } from '../../src/partition/replica';
import type { ReplicatedPartition } from '../../src/partition/replicated-partition';
import { encodeBatch } from '../broker/broker-fixture';
import { electedLeader, produce, stopNode, threeReplicasEachTest } from './replica-harness';
import { until } from '../until';

const PRODUCER = { producerId: 7, producerEpoch: 0 };
// One timestamp, so that a retry encodes to the same bytes as its original (a duplicate is the same batch, CRC included).

const produceAs = (p: ReplicatedPartition, baseSequence: number, value: string, acks: 'all' | 'leader' = 'all'): Promise<ProduceOutcome> =>
  p.produce({ batch: encodeBatch([value], { ...PRODUCER, baseSequence, timestampMs: 1_000 }), acks, recordCount: 1, maxTimestampMs: 0, ...PRODUCER, baseSequence });

const describeOutcome = (o: ProduceOutcome): string => (o.ok ? `${ErrorCode[o.code]} at ${o.baseOffset}` : `${ErrorCode[o.code]}: ${o.message}`);

describe('replicated partition: a retried batch waits on its original proposal', function () {
  const { nodes, network: networkOf } = threeReplicasEachTest('dupwait');

  it('fails the retry with OUTCOME_UNKNOWN when the cut-off leader loses the original, never "stored" at an offset holding another record', async () => {
    const cutOff = await electedLeader(() => nodes);
    await until(() => cutOff.partition.caughtUp, 'the leader to commit in its term');
    networkOf().isolate(asNodeId(cutOff.id));
    const original = produceAs(cutOff.partition, 0, 'mine');
    const retry = produceAs(cutOff.partition, 0, 'mine');

    const next = await electedLeader(() => nodes, [cutOff.id]);
    await until(() => next.partition.caughtUp, 'the new leader to commit in its term');
    const theirs = await produce(next.partition, ['theirs']);
    assert.ok(theirs.ok && theirs.code === ErrorCode.NONE && theirs.baseOffset === 0, describeOutcome(theirs));

    networkOf().heal();
    await until(() => cutOff.partition.highWatermark >= 1 && cutOff.partition.leaderId === next.id, 'the old leader to follow and truncate');
    const [originalOutcome, retryOutcome] = await Promise.all([original, retry]);
    assert.equal(retryOutcome.ok, false, `retry: ${describeOutcome(retryOutcome)}`);
    assert.equal(retryOutcome.code, ErrorCode.OUTCOME_UNKNOWN, `retry: ${describeOutcome(retryOutcome)}`);
    assert.equal(originalOutcome.ok, false, `original: ${describeOutcome(originalOutcome)}`);
    assert.equal(originalOutcome.code, ErrorCode.OUTCOME_UNKNOWN, `original: ${describeOutcome(originalOutcome)}`);
  });

  it('answers a retry of an uncommitted batch with the original offset once the original commits', async () => {
    const leader = await electedLeader(() => nodes);
    await until(() => leader.partition.caughtUp, 'the leader to commit in its term');
    assert.ok((await produce(leader.partition, ['before'])).ok);
    const original = produceAs(leader.partition, 0, 'mine');
    const retry = produceAs(leader.partition, 0, 'mine', 'leader');
    const [originalOutcome, retryOutcome] = await Promise.all([original, retry]);
    assert.ok(originalOutcome.ok && originalOutcome.code === ErrorCode.NONE, describeOutcome(originalOutcome));
    assert.ok(retryOutcome.ok && retryOutcome.code === ErrorCode.DUPLICATE_SEQUENCE, describeOutcome(retryOutcome));
    assert.equal(retryOutcome.baseOffset, originalOutcome.baseOffset);
    // acks=leader: answered no earlier than the original's own append (the log holds it).
    assert.ok(leader.partition.logEndOffset > retryOutcome.baseOffset);
  });

  it('fails a waiting retry with OUTCOME_UNKNOWN when the partition closes', async () => {
    const leader = await electedLeader(() => nodes);
    await until(() => leader.partition.caughtUp, 'the leader to commit in its term');
    networkOf().isolate(asNodeId(leader.id));
    const original = produceAs(leader.partition, 0, 'mine');
    const retry = produceAs(leader.partition, 0, 'mine');
    await stopNode(leader);
    nodes.splice(nodes.indexOf(leader), 1);
    for (const outcome of await Promise.all([original, retry])) {
      assert.equal(outcome.code, ErrorCode.OUTCOME_UNKNOWN, describeOutcome(outcome));
    }
  });
});
