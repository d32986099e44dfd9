// Idempotent producers across a leader change on three in-process replicas: the new leader knows
// every producer its log holds, not only those in the log's last entries, also after its own log
// was truncated; and a retry is a duplicate only with the stored batch's bytes.
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/common/errors';
import { asNodeId } from '../../src/common/ids';
import type { ProduceOutcome } from '../../src/partition/replica';
import type { ReplicatedPartition } from '../../src/partition/replicated-partition';
import { encodeBatch } from '../broker/broker-fixture';
import { electedLeader, threeReplicasEachTest, produceOnLeader, startNode, stopNode, type TestNode } from './replica-harness';
import { until } from '../until';

const PRODUCER = { producerId: 7, producerEpoch: 0 };
/** More entries by other producers than the 2,000 the table used to be rebuilt from. */
const OTHERS = 2_500;

/** A batch's bytes follow from its value and sequence, so that a resend is the same batch. */
const produceAs = (p: ReplicatedPartition, baseSequence: number, value: string, acks: 'all' | 'leader' = 'all'): Promise<ProduceOutcome> =>
  p.produce({ batch: encodeBatch([value], { ...PRODUCER, baseSequence, timestampMs: 1_765_000_000_000 }), acks, recordCount: 1, maxTimestampMs: 0, ...PRODUCER, baseSequence });

describe('replicated partition: idempotent producers across a leader change', function () {
  const { nodes, network: networkOf } = threeReplicasEachTest('idem');

  it('answers a retried batch as a duplicate on the new leader although other producers wrote more than the replayed tail since', async () => {
    const leader = await electedLeader(() => nodes);
    const first = await produceAs(leader.partition, 0, 'once');
    assert.ok(first.ok && first.code === ErrorCode.NONE, JSON.stringify(first));
    // Other (non-idempotent) writers push the batch out of the tail a new leader used to replay.
    const others = Array.from({ length: OTHERS }, (_, i) => produceOnLeader(() => nodes, [`other-${i}`]));
    assert.ok((await Promise.all(others)).every((o) => o.ok));
    const end = leader.partition.highWatermark;
    await until(() => nodes.every((n) => n.partition.highWatermark === end), 'every replica to hold every batch');

    networkOf().isolate(asNodeId(leader.id));
    const next = await electedLeader(() => nodes, [leader.id]);
    await until(() => next.partition.caughtUp, 'the new leader to commit in its term');
    const retried = await produceAs(next.partition, 0, 'once');
    assert.deepEqual(retried.ok && [retried.code, retried.baseOffset], [ErrorCode.DUPLICATE_SEQUENCE, 0]);
    const following = await produceAs(next.partition, 1, 'twice');
    assert.ok(following.ok && following.code === ErrorCode.NONE && following.baseOffset === end, JSON.stringify(following));
    networkOf().heal();
  });

  it('answers it as a duplicate after a clean restart of every replica, whichever leads then', async () => {
    const leader = await electedLeader(() => nodes);
    assert.ok((await produceAs(leader.partition, 0, 'once')).ok);
    const others = Array.from({ length: OTHERS }, (_, i) => produceOnLeader(() => nodes, [`other-${i}`]));
    assert.ok((await Promise.all(others)).every((o) => o.ok));
    const end = leader.partition.highWatermark;
    await until(() => nodes.every((n) => n.partition.highWatermark === end), 'every replica to hold every batch');

    const restarted: TestNode[] = [];
    for (const node of nodes.splice(0)) {
      await stopNode(node);
      restarted.push(await startNode(networkOf(), node.id, node.dir));
    }
    nodes.push(...restarted);
    // Each replica in turn leads: every one kept the table with its clean close (the followers
    // had never led, so knew only what they appended since they opened).
    for (const target of nodes) {
      const current = await electedLeader(() => nodes);
      if (current.id !== target.id) {
        current.group.transferLeadership(asNodeId(target.id));
        await until(() => target.partition.leaderId === target.id, `node ${target.id} to lead`);
      }
      await until(() => target.partition.caughtUp, `node ${target.id} to commit in its term`);
      const retried = await produceAs(target.partition, 0, 'once');
      assert.deepEqual(retried.ok && [retried.code, retried.baseOffset], [ErrorCode.DUPLICATE_SEQUENCE, 0], `leader ${target.id}`);
    }
  });

  it('answers it as a duplicate on a replica whose uncommitted suffix was truncated, once it leads', async () => {
    const leader = await electedLeader(() => nodes);
    assert.ok((await produceAs(leader.partition, 0, 'once')).ok);
    const others = Array.from({ length: OTHERS }, (_, i) => produceOnLeader(() => nodes, [`other-${i}`]));
    assert.ok((await Promise.all(others)).every((o) => o.ok));
    const end = leader.partition.highWatermark;
    await until(() => nodes.every((n) => n.partition.highWatermark === end), 'every replica to hold every batch');

    // Cut off, the leader appends a batch nobody else gets; the others elect a leader that writes
    // over that index, so the old leader truncates its suffix when it rejoins.
    networkOf().isolate(asNodeId(leader.id));
    const lost = await leader.partition.produce({ batch: encodeBatch(['lost']), acks: 'leader', recordCount: 1, maxTimestampMs: 0, producerId: 0, producerEpoch: 0, baseSequence: 0 });
    assert.ok(lost.ok && lost.baseOffset === end, JSON.stringify(lost));
    const next = await electedLeader(() => nodes, [leader.id]);
    await until(() => next.partition.caughtUp, 'the new leader to commit in its term');
    assert.ok((await produceOnLeader(() => nodes, ['replaces the lost batch'], [leader.id])).ok);
    const newEnd = next.partition.highWatermark;
    networkOf().heal();
    await until(() => leader.partition.highWatermark === newEnd && leader.log.logEndOffset === newEnd, 'the old leader to truncate and catch up');

    next.group.transferLeadership(asNodeId(leader.id));
    await until(() => leader.partition.caughtUp, 'the truncated replica to lead and commit in its term');
    const retried = await produceAs(leader.partition, 0, 'once');
    assert.deepEqual(retried.ok && [retried.code, retried.baseOffset], [ErrorCode.DUPLICATE_SEQUENCE, 0]);
  });

  it('refuses a batch with a stored batch\'s sequence range but other bytes, on the leader and on the next one', async () => {
    const leader = await electedLeader(() => nodes);
    assert.ok((await produceAs(leader.partition, 0, 'once')).ok);
    const proposedTwice = await Promise.all([produceAs(leader.partition, 1, 'twice'), produceAs(leader.partition, 1, 'other bytes')]);
    assert.equal(proposedTwice[0].ok && proposedTwice[0].code, ErrorCode.NONE);
    assert.equal(!proposedTwice[1].ok && proposedTwice[1].code, ErrorCode.INVALID_DUPLICATE, 'compared with a proposed batch too');
    const other = await produceAs(leader.partition, 0, 'other bytes');
    assert.equal(!other.ok && other.code, ErrorCode.INVALID_DUPLICATE, JSON.stringify(other));
    const end = leader.partition.highWatermark;
    await until(() => nodes.every((n) => n.partition.highWatermark === end), 'every replica to hold every batch');

    networkOf().isolate(asNodeId(leader.id));
    const next = await electedLeader(() => nodes, [leader.id]);
    await until(() => next.partition.caughtUp, 'the new leader to commit in its term');
    const onNext = await produceAs(next.partition, 0, 'other bytes');
    assert.equal(!onNext.ok && onNext.code, ErrorCode.INVALID_DUPLICATE, JSON.stringify(onNext));
    const same = await produceAs(next.partition, 0, 'once');
    assert.deepEqual(same.ok && [same.code, same.baseOffset], [ErrorCode.DUPLICATE_SEQUENCE, 0]);
    networkOf().heal();
  });
});
